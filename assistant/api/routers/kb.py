"""Staff search over the policy knowledge base: ``GET /api/v1/kb/search?q=&top_k=``.
Same result shape as ``butler kb search --jsonl``. The index is hot-reloaded when a
new version is ingested (see ``assistant.kb.service``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from assistant.api.errors import ApiError
from assistant.auth.deps import require_role

router = APIRouter(prefix="/api/v1/kb", tags=["kb"])


class KbResult(BaseModel):
    id: str
    score: float
    title: str
    source: str


class KbSearchResponse(BaseModel):
    query: str
    answerable: bool
    results: list[KbResult]


def knowledge_base(request: Request):
    from assistant.kb.service import get_knowledge_base

    return get_knowledge_base(request.app.state.settings.data_dir / "kb")


# A plain ``def``: FastAPI runs it in its thread pool, so encoding the query does not
# block the event loop.
@router.get("/search", response_model=KbSearchResponse)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="The question")],
    top_k: Annotated[int, Query(ge=1, le=50)] = 5,
    _user=Depends(require_role()),
) -> KbSearchResponse:
    from assistant.embeddings.model import EmbeddingModelError
    from assistant.kb.store import KbNotFound
    from assistant.kb.text import has_content

    if not has_content(q):
        raise ApiError(422, "empty_query", "the question has no words to search for")
    try:
        response = knowledge_base(request).search(q, top_k=top_k)
    except KbNotFound as exc:
        raise ApiError(503, "kb_not_built", "the knowledge base has not been built yet (butler kb ingest)") from exc
    except EmbeddingModelError as exc:
        raise ApiError(503, "embedding_model_missing", "the embedding model is missing (butler models prepare)") from exc
    return KbSearchResponse(**response.public())
