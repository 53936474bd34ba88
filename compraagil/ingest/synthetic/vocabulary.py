"""What the synthetic data is made of: Chilean regions, comunas, buyers, products and suppliers."""

REGION_WEIGHTS: dict[int, float] = {
    13: 0.31, 5: 0.10, 8: 0.09, 7: 0.06, 9: 0.06, 6: 0.05, 10: 0.05, 4: 0.05,
    2: 0.04, 16: 0.03, 14: 0.03, 1: 0.03, 3: 0.02, 15: 0.02, 12: 0.03, 11: 0.03,
}  # fmt: skip

COMUNAS: dict[int, tuple[str, ...]] = {
    1: ("Iquique", "Alto Hospicio", "Pozo Almonte"),
    2: ("Antofagasta", "Calama", "Tocopilla", "Mejillones"),
    3: ("Copiapó", "Vallenar", "Caldera", "Chañaral"),
    4: ("La Serena", "Coquimbo", "Ovalle", "Illapel", "Vicuña"),
    5: ("Valparaíso", "Viña del Mar", "Quilpué", "San Antonio", "Los Andes", "Quillota"),
    6: ("Rancagua", "San Fernando", "Rengo", "Santa Cruz", "Pichilemu"),
    7: ("Talca", "Curicó", "Linares", "Constitución", "Cauquenes"),
    8: ("Concepción", "Talcahuano", "Los Ángeles", "Coronel", "San Pedro de la Paz", "Lota"),
    9: ("Temuco", "Padre Las Casas", "Angol", "Villarrica", "Pucón"),
    10: ("Puerto Montt", "Osorno", "Castro", "Puerto Varas", "Ancud"),
    11: ("Coyhaique", "Aysén", "Chile Chico"),
    12: ("Punta Arenas", "Puerto Natales", "Porvenir"),
    13: ("Santiago", "Maipú", "Puente Alto", "La Florida", "Ñuñoa", "Providencia", "Peñalolén",
         "San Bernardo", "Quilicura", "Renca", "Las Condes", "Recoleta", "Estación Central"),
    14: ("Valdivia", "La Unión", "Panguipulli", "Río Bueno"),
    15: ("Arica", "Putre"),
    16: ("Chillán", "Chillán Viejo", "San Carlos", "Bulnes"),
}  # fmt: skip

HOSPITALS = (
    "Hospital Regional",
    "Hospital Base",
    "Hospital Clínico",
    "Hospital San José",
    "Hospital del Salvador",
)
UNIVERSITIES = {
    13: "Universidad de Santiago de Chile", 5: "Universidad de Valparaíso", 8: "Universidad de Concepción",
    9: "Universidad de La Frontera", 2: "Universidad de Antofagasta", 4: "Universidad de La Serena",
    7: "Universidad de Talca", 12: "Universidad de Magallanes", 15: "Universidad de Tarapacá",
    1: "Universidad Arturo Prat", 14: "Universidad Austral de Chile", 16: "Universidad del Bío-Bío",
    10: "Universidad de Los Lagos", 3: "Universidad de Atacama", 6: "Universidad de O'Higgins",
    11: "Universidad de Aysén",
}  # fmt: skip
STATE_SERVICES = (
    "Junta Nacional de Jardines Infantiles", "Dirección de Vialidad", "Gendarmería de Chile",
    "Carabineros de Chile", "Servicio Agrícola y Ganadero", "Instituto Nacional de Deportes",
    "Servicio de Registro Civil e Identificación", "Dirección del Trabajo",
)  # fmt: skip
UNIT_NAMES = ("Adquisiciones", "Abastecimiento", "Departamento de Compras", "Unidad de Compras", "Finanzas")

# (family, [(product name, unit, base unit price in CLP)])
PRODUCT_FAMILIES: dict[str, list[tuple[str, str, int]]] = {
    "Artículos de oficina": [
        ("Resma papel carta 75 g 500 hojas", "resma", 4290), ("Resma papel oficio 75 g 500 hojas", "resma", 4790),
        ("Lápiz pasta azul", "unidad", 190), ("Corchetera metálica", "unidad", 6990),
        ("Archivador lomo ancho tamaño oficio", "unidad", 1890), ("Carpeta plastificada con acoclip", "unidad", 450),
        ("Tóner HP 85A negro", "unidad", 54990), ("Cinta adhesiva transparente 48 mm", "rollo", 990),
        ("Post-it 76 x 76 mm", "block", 1290), ("Destacador amarillo", "unidad", 490),
    ],
    "Aseo y limpieza": [
        ("Papel higiénico jumbo 500 m", "rollo", 3990), ("Toalla de papel interfoliada", "caja", 14990),
        ("Cloro líquido 5 litros", "bidón", 3490), ("Detergente líquido multiuso 5 litros", "bidón", 6990),
        ("Bolsa de basura 80 x 110 cm", "paquete", 2990), ("Jabón líquido para manos 1 litro", "unidad", 2190),
        ("Alcohol gel 70% 1 litro", "unidad", 3590), ("Trapero de algodón", "unidad", 2490),
        ("Escobillón de plástico", "unidad", 2990), ("Desinfectante amonio cuaternario 5 litros", "bidón", 12990),
    ],
    "Insumos médicos": [
        ("Guantes de nitrilo talla M caja 100 unidades", "caja", 6490),
        ("Mascarilla quirúrgica desechable caja 50 unidades", "caja", 3990),
        ("Jeringa desechable 5 ml", "unidad", 95), ("Gasa estéril 10 x 10 cm", "paquete", 790),
        ("Suero fisiológico 500 ml", "unidad", 990), ("Apósito transparente 6 x 7 cm", "unidad", 390),
        ("Tela adhesiva 2,5 cm x 5 m", "rollo", 690), ("Catéter intravenoso 20G", "unidad", 450),
        ("Termómetro digital", "unidad", 4990), ("Pechera desechable", "unidad", 190),
    ],
    "Alimentos": [
        ("Café instantáneo 170 g", "frasco", 4590), ("Azúcar 1 kg", "kg", 1290), ("Té en bolsitas caja 100", "caja", 2890),
        ("Agua mineral sin gas 1,6 litros", "unidad", 790), ("Galletas surtidas 400 g", "paquete", 1990),
        ("Leche entera 1 litro", "litro", 1090), ("Arroz grado 1 1 kg", "kg", 1490), ("Aceite vegetal 1 litro", "litro", 2390),
    ],
    "Ferretería": [
        ("Tornillo autoperforante 8 x 1", "caja", 3990), ("Pintura látex blanca 1 galón", "galón", 12990),
        ("Cemento saco 25 kg", "saco", 5490), ("Cerradura de embutir", "unidad", 15990),
        ("Ampolleta LED 9 W", "unidad", 1190), ("Cable eléctrico 2,5 mm rollo 100 m", "rollo", 49990),
        ("Llave de paso 1/2", "unidad", 4590), ("Silicona transparente 280 ml", "unidad", 2990),
        ("Taladro percutor 650 W", "unidad", 39990), ("Huincha de medir 5 m", "unidad", 3490),
    ],
    "Computación": [
        ("Mouse óptico USB", "unidad", 5990), ("Teclado USB en español", "unidad", 8990),
        ("Notebook 14 pulgadas 8 GB RAM 256 GB SSD", "unidad", 429990), ("Monitor LED 24 pulgadas", "unidad", 119990),
        ("Pendrive 64 GB", "unidad", 6990), ("Disco duro externo 1 TB", "unidad", 49990),
        ("Cable HDMI 2 m", "unidad", 3990), ("Impresora multifuncional láser", "unidad", 189990),
    ],
    "Mobiliario": [
        ("Silla de escritorio ergonómica", "unidad", 89990), ("Escritorio de melamina 120 cm", "unidad", 79990),
        ("Estante metálico 5 repisas", "unidad", 59990), ("Mesa plegable 180 cm", "unidad", 49990),
        ("Silla apilable de visita", "unidad", 24990), ("Kardex metálico 4 cajones", "unidad", 149990),
    ],
    "Útiles escolares y material didáctico": [
        ("Cuaderno universitario 100 hojas", "unidad", 1490), ("Lápices de colores caja 12", "caja", 1990),
        ("Plasticina 12 colores", "caja", 1290), ("Cartulina de color pliego", "pliego", 290),
        ("Tijera escolar punta roma", "unidad", 890), ("Pegamento en barra 40 g", "unidad", 990),
        ("Set de bloques de construcción", "set", 24990),
    ],
    "Ropa de trabajo y EPP": [
        ("Zapato de seguridad dieléctrico", "par", 34990), ("Casco de seguridad con barbiquejo", "unidad", 6990),
        ("Chaleco reflectante", "unidad", 3490), ("Guante de cuero para soldador", "par", 5990),
        ("Lente de seguridad claro", "unidad", 2490), ("Overol de gabardina", "unidad", 19990),
        ("Parka impermeable", "unidad", 29990),
    ],
    "Combustibles y lubricantes": [
        ("Gas licuado cilindro 15 kg", "cilindro", 24990), ("Aceite de motor 15W-40 4 litros", "bidón", 24990),
        ("Leña de eucalipto metro cúbico", "m3", 45000), ("Parafina 20 litros", "bidón", 23990),
    ],
    "Servicios": [
        ("Servicio de coffee break para 30 personas", "servicio", 180000),
        ("Servicio de fumigación y desratización", "servicio", 250000),
        ("Mantención de aire acondicionado", "servicio", 120000),
        ("Servicio de traslado de pasajeros", "servicio", 350000),
        ("Arriendo de amplificación para evento", "servicio", 200000),
        ("Impresión de dípticos a color", "ciento", 45000),
    ],
}  # fmt: skip

BUYER_KIND_FAMILIES: dict[str, tuple[str, ...]] = {
    "municipalidad": tuple(PRODUCT_FAMILIES),
    "hospital": (
        "Insumos médicos",
        "Aseo y limpieza",
        "Artículos de oficina",
        "Alimentos",
        "Ropa de trabajo y EPP",
    ),
    "servicio de salud": ("Insumos médicos", "Artículos de oficina", "Computación", "Aseo y limpieza"),
    "universidad": ("Computación", "Artículos de oficina", "Mobiliario", "Servicios", "Alimentos"),
    "servicio público": (
        "Artículos de oficina",
        "Computación",
        "Ferretería",
        "Servicios",
        "Ropa de trabajo y EPP",
    ),
    "jardín infantil": ("Útiles escolares y material didáctico", "Alimentos", "Aseo y limpieza"),
}

NAME_WORDS = (
    "Andes", "Pacífico", "Austral", "Cordillera", "Del Sur", "Norte Grande", "Los Robles", "El Roble",
    "Araucaria", "Copihue", "Litoral", "Patagonia", "Valle Central", "Bío Bío", "Maule", "Aconcagua",
    "Altiplano", "Mapocho", "Tierra Fértil", "Santa Elena", "San Expedito", "La Estrella", "Rayén",
    "Antú", "Newen", "Kütral", "Lafken", "Pewen", "Mawida", "Aukan",
)  # fmt: skip
SURNAMES = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez", "Sepúlveda",
    "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya", "Flores", "Espinoza",
    "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro", "Pizarro", "Álvarez", "Vásquez",
)  # fmt: skip
TRADE_PREFIXES = (
    "Comercial",
    "Distribuidora",
    "Importadora",
    "Servicios Integrales",
    "Sociedad Comercial",
    "Insumos",
)
LEGAL_FORMS = ("SpA", "Ltda.", "S.A.", "EIRL", "SpA", "Ltda.")

# How a buyer tells apart several lines of one product: same code and name, another description.
LINE_VARIANTS = (
    "talla S", "talla M", "talla L", "talla XL", "color azul", "color rojo", "color verde",
    "formato pequeño", "formato mediano", "formato grande", "para sala de clases", "para bodega central",
    "para oficina de partes", "entrega en primera quincena", "entrega en segunda quincena",
)  # fmt: skip
INADMISSIBILITY_REASONS = (
    "No adjunta ficha técnica solicitada",
    "Plazo de entrega superior al requerido",
    "Oferta excede el presupuesto disponible",
    "No cotiza la totalidad de los productos solicitados",
    "Producto ofertado no cumple especificaciones técnicas",
)
