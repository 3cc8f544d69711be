"""Adapters that understand what a caller means (sentence embeddings); heavy
libraries are imported only inside their modules."""
