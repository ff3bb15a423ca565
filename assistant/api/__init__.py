"""The gateway (FastAPI): resident chat and voice APIs, web pages, staff API, Open311, health."""
