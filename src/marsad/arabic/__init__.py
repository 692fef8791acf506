"""Arabic text handling: matching keys, tokens, stemming and the lexicons marsad ships."""

from marsad.arabic.normalize import normalize, normalize_digits
from marsad.arabic.tokenize import tokenize, word_tokens, split_sentences

__all__ = ["normalize", "normalize_digits", "tokenize", "word_tokens", "split_sentences"]
