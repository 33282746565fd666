"""The registry's one bulk writer: people brought in by the utility's files, by the thousand.

The importer stages the holders of a file and hands their SELECT here; the registry decides the
columns, the defaults and the search text (the same rule as `text.search_text`, in SQL).
"""

from datetime import datetime

PERSON_SOURCE_COLUMNS = (
    "organization_id",  # the municipality whose registry keeps the person
    "codice_fiscale",
    "surname",
    "name",
    "folded",  # text.fold("surname name"), computed while staging
    "sex",
    "birth_date",
    "birth_place_code",
)


def insert_people(cursor, *, source: str, params: dict, now: datetime) -> int:
    """Insert the people `source` yields that their municipality's registry does not hold yet;
    return how many.

    `source` is a SELECT with the columns of PERSON_SOURCE_COLUMNS, one row per registry and
    codice fiscale;
    `params` are its parameters (pyformat). Registry-only fields start empty: the municipality
    fills them when the person becomes its case. Two utilities' imports bringing the same new
    person at once both succeed: the second finds the first's row (ON CONFLICT DO NOTHING).
    """
    cursor.execute(
        f"""
        INSERT INTO registry_person (
            organization_id, codice_fiscale, surname, name, sex, birth_date, birth_place_code,
            citizenship, citizenship_country, phone, email, address, city, household_id,
            search_text, created_at, updated_at)
        SELECT q.organization_id, q.codice_fiscale, q.surname, q.name, q.sex, q.birth_date,
               q.birth_place_code, '', '', '', '', '', '', NULL,
               q.folded || ' ' || lower(q.codice_fiscale), %(registry_now)s, %(registry_now)s
        FROM ({source}) q
        WHERE NOT EXISTS (
            SELECT 1 FROM registry_person x
            WHERE x.organization_id = q.organization_id AND x.codice_fiscale = q.codice_fiscale)
        ON CONFLICT (organization_id, codice_fiscale) DO NOTHING
        """,  # noqa: S608 - `source` is the importer's constant SQL, never input
        {**params, "registry_now": now},
    )
    return cursor.rowcount
