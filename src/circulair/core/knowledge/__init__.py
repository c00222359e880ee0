"""The knowledge base: typed records of the transition's structure, each with its citations."""

from circulair.core.knowledge.loader import default_knowledge_dir, load_knowledge
from circulair.core.knowledge.model import Citation, KnowledgeBase, Record, Source, Variant
from circulair.core.knowledge.schema import KINDS

__all__ = [
    "KINDS",
    "Citation",
    "KnowledgeBase",
    "Record",
    "Source",
    "Variant",
    "default_knowledge_dir",
    "load_knowledge",
]
