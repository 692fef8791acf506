"""marsad.web: the web app and JSON API of `marsad serve` (`create_app` in `marsad.web.app`), a thin front end
over the query layer `marsad.query`."""
