"""Staff search over the policy knowledge base: ``GET /api/v1/kb/search?q=&top_k=``.
Same result shape as ``butler kb search --jsonl``. The index is hot-reloaded when a
new version is ingested (see ``assistant.kb.service``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from assistant.api.deps import db_session
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


class UnansweredOut(BaseModel):
    id: int
    sender_id: str
    question: str
    best_guess: str | None
    status: str
    created_at: str


class AnsweredIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


def _unanswered_out(row, user) -> UnansweredOut:
    """A left question; for roles that may not see personal data the sender is masked
    and the question's phone and identity numbers too (as ``GET /api/v1/handoffs``)."""
    from assistant.auth.service import UNMASKED_ROLES
    from assistant.privacy import mask_text
    from assistant.privacy import mask_sender

    unmasked = user.role in UNMASKED_ROLES
    return UnansweredOut(id=row.id, sender_id=row.sender_id if unmasked else mask_sender(row.sender_id),
                         question=row.question if unmasked else mask_text(row.question),
                         best_guess=row.best_guess, status=row.status,
                         created_at=row.created_at.isoformat(timespec="seconds"))


@router.get("/unanswered", response_model=list[UnansweredOut])
def unanswered(
    status: Annotated[Literal["open", "answered", "all"], Query()] = "open",
    session: Session = Depends(db_session),
    user=Depends(require_role()),
) -> list[UnansweredOut]:
    """Questions residents left for staff because the knowledge base had no answer."""
    from assistant.kb.unanswered import list_unanswered

    return [_unanswered_out(r, user) for r in list_unanswered(session, None if status == "all" else status)]


@router.post("/unanswered/{question_id}/answered", response_model=UnansweredOut)
def answered(
    question_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: AnsweredIn | None = None,
    session: Session = Depends(db_session),
    user=Depends(require_role("admin", "dispatcher", "worker")),
) -> UnansweredOut:
    """Since residents_0003 a left question is a hand-off request (reason
    ``unanswered_question``, ``GET /api/v1/handoffs`` lists it too): its id is the
    hand-off's, and answering it here closes that request."""
    from assistant.kb.unanswered import mark_answered

    row = mark_answered(session, question_id, body.note if body else None, by=f"staff:{user.username}")
    if row is None:
        raise ApiError(404, "question_not_found", f"no unanswered question {question_id}")
    session.flush()
    return _unanswered_out(row, user)
