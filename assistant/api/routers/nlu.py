"""NLU parse: what the butler understood from one utterance (for staff tools and tests)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from assistant.api.deps import dialogue
from assistant.api.errors import ApiError
from assistant.dialogue import DialogueClient, DialogueUnavailable
from assistant.safety import assess
from assistant.safety.net import settle_intent

router = APIRouter(prefix="/api/v1/nlu", tags=["nlu"])


class ParseRequest(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class Intent(BaseModel):
    name: str
    confidence: float


class Entity(BaseModel):
    entity: str
    value: str


class Safety(BaseModel):
    """The emergency safety net's verdict, which overrides the classifier."""

    emergency: bool
    kinds: list[str]
    cues: list[str]
    # False when the classifier's "emergency" was outvoted (net silent, second opinion < 0.5)
    plausible: bool = True


class ParseResponse(BaseModel):
    intent: Intent
    entities: list[Entity]
    safety: Safety


@router.post("/parse", response_model=ParseResponse)
async def parse(body: ParseRequest, client: Annotated[DialogueClient, Depends(dialogue)]) -> ParseResponse:
    try:
        result = await client.parse(body.text)
    except DialogueUnavailable as exc:
        raise ApiError(503, "dialogue_unavailable", "the dialogue engine is not available") from exc
    intent = result.get("intent") or {}
    verdict = assess(body.text)
    # What the dialogue acts on (nlu_components/safety_net.py applies the same rule).
    settled = settle_intent(intent.get("name"), verdict)
    if verdict.emergency:
        intent = {"name": "emergency", "confidence": 1.0}
    elif settled is None:  # the classifier's emergency, outvoted: its next-best intent
        ranking = [r for r in result.get("intent_ranking") or [] if r.get("name") != "emergency"]
        intent = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 0.0}
    return ParseResponse(
        intent=Intent(name=intent.get("name") or "nlu_fallback", confidence=float(intent.get("confidence") or 0.0)),
        safety=Safety(emergency=verdict.emergency, kinds=list(verdict.kinds), cues=list(verdict.cues),
                      plausible=verdict.plausible),
        # Rasa's EntitySynonymMapper has already replaced values with their canonical form.
        entities=[Entity(entity=e["entity"], value=str(e["value"])) for e in result.get("entities", [])],
    )
