"""Helpers shared by the notebooks of the executable AWS ML study book.

Modules:
    aws       start the local AWS stand-in (moto) or opt into a real account
    data      find and load files under ``data/`` with clear errors
    plotting  the book's figure defaults
    questions load and validate the question bank
    quiz      render a chapter's questions as interactive HTML
    toc       read ``_toc.yml``: which pages the book has
"""

__version__ = "0.1.0"
