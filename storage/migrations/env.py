"""Alembic environment: runs HotGigs' migrations against the URL given by `storage.db`."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    """Autogenerate ignores slack_sdk's OAuth tables (defined by slack_sdk, created by
    0007_slack_oauth)."""
    if type_ == "index" and name is not None and name.startswith("slack_"):
        return False
    return not (type_ == "table" and name is not None
                and name.startswith(("slack_installations", "slack_bots",
                                     "slack_oauth_states")))


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        # batch mode lets later ALTERs run on SQLite, which cannot alter most constraints
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
