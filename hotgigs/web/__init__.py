"""The HTTP side of `hotgigs serve`: the router and server (`http`), health, `/metrics`,
the `/admin` dashboard and the Slack bot's HTTP door, assembled by `app.build_router`."""
