"""Arabic text handling: matching keys, tokens, stemming and the lexicons marsad ships."""

from marsad.arabic.normalize import normalize, normalize_digits
from marsad.arabic.tokenize import split_sentences, tokenize, word_tokens

__all__ = ["normalize", "normalize_digits", "tokenize", "word_tokens", "split_sentences"]
