"""NLU parse: what the butler understood from one utterance (for staff tools and tests)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from assistant.api.deps import dialogue
from assistant.api.errors import ApiError
from assistant.dialogue import DialogueClient, DialogueUnavailable

router = APIRouter(prefix="/api/v1/nlu", tags=["nlu"])


class ParseRequest(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class Intent(BaseModel):
    name: str
    confidence: float


class Entity(BaseModel):
    entity: str
    value: str


class ParseResponse(BaseModel):
    intent: Intent
    entities: list[Entity]


@router.post("/parse", response_model=ParseResponse)
async def parse(body: ParseRequest, client: Annotated[DialogueClient, Depends(dialogue)]) -> ParseResponse:
    try:
        result = await client.parse(body.text)
    except DialogueUnavailable as exc:
        raise ApiError(503, "dialogue_unavailable", "the dialogue engine is not available") from exc
    intent = result.get("intent") or {}
    return ParseResponse(
        intent=Intent(name=intent.get("name") or "nlu_fallback", confidence=float(intent.get("confidence") or 0.0)),
        # Rasa's EntitySynonymMapper has already replaced values with their canonical form.
        entities=[Entity(entity=e["entity"], value=str(e["value"])) for e in result.get("entities", [])],
    )
