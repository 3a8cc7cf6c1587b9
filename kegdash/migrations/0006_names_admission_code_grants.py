"""Accounts: a comparison key for user names, admission by the operator, one-time codes.

``user.name_key`` is the name as ``accounts.names`` compares names (NFKC, case-folded; copied
here so this script stays as it ran), unique so that no look-alike of a name can be stored
beside it. Where existing names already share a key, the oldest account keeps it and the others
keep NULL: they go on working, and no further look-alike can join them.

``user.admission``: accounts that registered themselves through Tapline (they have a
``user-joined`` action) and are not staff become ``pending``, since no operator ever admitted
them; every other account is ``admitted``, as it was a member before.

``code_grant`` holds Tapline's one-time authorization codes (``type=web_server``), as digests.
"""
import unicodedata

from peewee import *  # noqa: F403 - the frozen models use peewee's field classes by name


def _name_key(name):
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("user", "name_key", CharField(max_length=120, null=True)),
        migrator.add_column("user", "admission", CharField(max_length=8, default="admitted")),
    )
    p = db.param
    taken = set()
    for user_id, username in db.execute_sql('SELECT id, username FROM "user" ORDER BY id').fetchall():
        key = _name_key(username)
        if key not in taken:
            taken.add(key)
            db.execute_sql(f'UPDATE "user" SET name_key = {p} WHERE id = {p}', (key, user_id))
    migrator.migrate(migrator.add_index("user", ("name_key",), unique=True))
    db.execute_sql(
        f"""UPDATE "user" SET admission = {p} WHERE NOT is_staff AND NOT is_superuser
            AND id IN (SELECT user_id FROM action WHERE type = {p})""",
        ("pending", "user-joined"))

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class ClientApp(Model):
        class Meta:
            database = db
            table_name = 'client_app'

    class Authorization(Model):
        class Meta:
            database = db
            table_name = 'authorization'

    class CodeGrant(Model):
        code_hash = CharField(unique=True, max_length=64)
        client = ForeignKeyField(ClientApp, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        scopes_json = TextField(default='[]')
        redirect_uri = CharField(max_length=1000)
        challenge = CharField(max_length=128, default='')
        created = DateTimeField()
        expires = DateTimeField(index=True)
        used = DateTimeField(null=True)
        authorization = ForeignKeyField(Authorization, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'code_grant'
    db.create_tables([CodeGrant])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('code_grant'),
        migrator.drop_index('user', 'user_name_key'),
        migrator.drop_column('user', 'admission'),
        migrator.drop_column('user', 'name_key'),
    )
