"""The lists a firm profile chooses from: sectors, sizes and regions.

Sectors follow ISIC Rev. 4; regions default to Peru's and can be replaced with REGIONS in
instance/config.py.
"""


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; it is translated where it is shown."""
    return message


SECTORS = {
    "wood_furniture": N_("Wood and furniture"),  # ISIC C16, C31
    "food_beverages": N_("Food and beverages"),  # ISIC C10, C11
    "textiles_apparel": N_("Textiles and apparel"),  # ISIC C13, C14, C15
    "metal_products": N_("Metal products"),  # ISIC C24, C25
    "other_manufacturing": N_("Other manufacturing"),  # the rest of ISIC C
    "agriculture": N_("Agriculture"),  # ISIC A
    "construction": N_("Construction"),  # ISIC F
    "retail_wholesale": N_("Retail and wholesale"),  # ISIC G
    "tourism_hospitality": N_("Tourism and hospitality"),  # ISIC I, N79
    "other_services": N_("Other services"),
}

SIZES = {
    "micro": N_("Micro (1-9 employees)"),
    "small": N_("Small (10-49 employees)"),
    "medium": N_("Medium (50-249 employees)"),
}

REGIONS = [
    "Amazonas",
    "Áncash",
    "Apurímac",
    "Arequipa",
    "Ayacucho",
    "Cajamarca",
    "Callao",
    "Cusco",
    "Huancavelica",
    "Huánuco",
    "Ica",
    "Junín",
    "La Libertad",
    "Lambayeque",
    "Lima",
    "Loreto",
    "Madre de Dios",
    "Moquegua",
    "Pasco",
    "Piura",
    "Puno",
    "San Martín",
    "Tacna",
    "Tumbes",
    "Ucayali",
]


def period_of(timestamp: str) -> str:
    """Return the half-year an ISO timestamp falls in, e.g. '2026-H2'."""
    year, month = timestamp[:4], int(timestamp[5:7])
    return f"{year}-H{1 if month <= 6 else 2}"
