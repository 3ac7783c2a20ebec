"""Chinese patent full-text search: query language, jieba tokenisation, tantivy index.

Pure Python (no Django imports) so it can be used from management commands,
workers and tests alike.
"""

from .highlight import highlight
from .index import Hit, PatentIndex, SearchResult
from .nodes import And, DateRange, Node, Not, Or, Term
from .query import QuerySyntaxError, parse
from .tokenize import phrase_tokens, query_tokens

__all__ = [
    "And",
    "DateRange",
    "Hit",
    "Node",
    "Not",
    "Or",
    "PatentIndex",
    "QuerySyntaxError",
    "SearchResult",
    "Term",
    "highlight",
    "parse",
    "phrase_tokens",
    "query_tokens",
]
