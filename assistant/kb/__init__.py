"""Policy knowledge base: ingestion, a versioned hybrid index (BM25 + dense), calibrated
fusion with abstention, and the answer the dialogue gives residents.

Public entry points:
- ``assistant.kb.service.KnowledgeBase`` — open an index directory, search, hot reload.
- ``assistant.kb.answer.answer_policy_question`` — the dialogue's domain function.
- ``assistant.kb.cli.app`` — ``butler kb ingest|search|info``.
"""
