"""The standard keg sizes (``decisions.md``), so a new tap can be given a keg at once."""

STANDARD_SIZES = [
    ("half-barrel", "Full Keg (half barrel, 15.5 gal)", 58673.88),
    ("import", "Import Keg (European barrel, 13.2 gal)", 49967.44),
    ("quarter", "Pony Keg (quarter barrel, 7.75 gal)", 29336.94),
    ("euro-half", "European Half Barrel (6.6 gal)", 24983.72),
    ("sixth", "Sixth Barrel (torpedo keg, 5.23 gal)", 19797.70),
    ("corny", "Corny Keg (5 gal)", 18927.06),
    ("mini", "Mini Keg (1 gal)", 3785.41),
    ("euro-30", "30 L keg", 30000.0),
    ("euro-50", "50 L keg", 50000.0),
]


def up(migrator, db):
    db.execute_sql(
        "INSERT INTO keg_size (slug, name, volume_ml) VALUES "
        + ", ".join(["(%s, %s, %s)"] * len(STANDARD_SIZES)).replace("%s", db.param),
        [value for row in STANDARD_SIZES for value in row],
    )


def down(migrator, db):
    slugs = [slug for slug, _, _ in STANDARD_SIZES]
    db.execute_sql(
        "DELETE FROM keg_size WHERE slug IN ({})".format(", ".join([db.param] * len(slugs))), slugs
    )
