"""marsad (مرصد): scraped Arabic news pages in, sourced stories out.

The library is the product; the CLI only calls it.

>>> import marsad
>>> store = marsad.Store("marsad.db")            # doctest: +SKIP
>>> marsad.Pipeline(store).run(["pages/"])       # doctest: +SKIP
>>> marsad.similarity("نص الخبر الأول", "نص الخبر الثاني")  # doctest: +SKIP
"""

__version__ = "0.1.0"

from marsad.api import extract_text, similarity  # noqa: E402
from marsad.arabic.normalize import normalize  # noqa: E402
from marsad.pipeline import Pipeline, Stages  # noqa: E402
from marsad.store.db import Store  # noqa: E402

__all__ = ["Pipeline", "Stages", "Store", "extract_text", "normalize", "similarity", "__version__"]
