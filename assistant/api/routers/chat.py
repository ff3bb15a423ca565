"""Resident chat: one message in, the butler's replies out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, field_validator

from assistant.api.deps import dialogue
from assistant.dialogue import DialogueClient, namespaced_sender

router = APIRouter(prefix="/api/v1", tags=["chat"])


class ChatRequest(BaseModel):
    sender_id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=2000)
    metadata: dict | None = Field(default=None, description="e.g. a shared location {lat, long}")

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class ButtonOut(BaseModel):
    title: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    buttons: list[ButtonOut] = []
    custom: dict | None = None


class ChatResponse(BaseModel):
    sender_id: str
    replies: list[ReplyOut]


@router.post("/chat", response_model=ChatResponse, response_model_exclude_none=True)
async def chat(body: ChatRequest, client: Annotated[DialogueClient, Depends(dialogue)]) -> ChatResponse:
    sender = namespaced_sender("web", body.sender_id)
    replies = await client.send_or_degrade(sender, body.text.strip(), body.metadata)
    return ChatResponse(
        sender_id=body.sender_id,
        replies=[ReplyOut(text=r.text, buttons=[ButtonOut(title=b.title, payload=b.payload) for b in r.buttons],
                          custom=r.custom) for r in replies],
    )
