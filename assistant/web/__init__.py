"""The butler's web pages: the residents' chat page and the staff console
(``assistant.web.pages``), with their static files and templates."""
