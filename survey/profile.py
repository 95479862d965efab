"""The lists a firm profile chooses from: sectors, sizes and regions.

Sectors follow ISIC Rev. 4; regions default to Peru's and can be replaced with REGIONS in
instance/config.py.
"""

from flask_babel import lazy_gettext as _l

SECTORS = {
    "wood_furniture": _l("Wood and furniture"),  # ISIC C16, C31
    "food_beverages": _l("Food and beverages"),  # ISIC C10, C11
    "textiles_apparel": _l("Textiles and apparel"),  # ISIC C13, C14, C15
    "metal_products": _l("Metal products"),  # ISIC C24, C25
    "other_manufacturing": _l("Other manufacturing"),  # the rest of ISIC C
    "agriculture": _l("Agriculture"),  # ISIC A
    "construction": _l("Construction"),  # ISIC F
    "retail_wholesale": _l("Retail and wholesale"),  # ISIC G
    "tourism_hospitality": _l("Tourism and hospitality"),  # ISIC I, N79
    "other_services": _l("Other services"),
}

SIZES = {
    "micro": _l("Micro (1-9 employees)"),
    "small": _l("Small (10-49 employees)"),
    "medium": _l("Medium (50-249 employees)"),
}

REGIONS = [
    "Amazonas", "Áncash", "Apurímac", "Arequipa", "Ayacucho", "Cajamarca", "Callao", "Cusco",
    "Huancavelica", "Huánuco", "Ica", "Junín", "La Libertad", "Lambayeque", "Lima", "Loreto",
    "Madre de Dios", "Moquegua", "Pasco", "Piura", "Puno", "San Martín", "Tacna", "Tumbes",
    "Ucayali",
]


def period_of(timestamp: str) -> str:
    """Return the half-year an ISO timestamp falls in, e.g. '2026-H2'."""
    year, month = timestamp[:4], int(timestamp[5:7])
    return f"{year}-H{1 if month <= 6 else 2}"
