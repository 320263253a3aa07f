"""Word pools the synthetic people are drawn from: invented names, places, jobs and schools.

Every name here is an invented combination (no real person, no dev-set text). Each country
carries the scripts its people write their names in, its cities and the way its phone numbers
are printed, so a generated person is internally consistent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """Names, cities and phone print formats of one country.

    `names` are (printed name, e-mail handle) pairs for names not written in Latin script, or
    plain given/family pools; `phones` are print patterns where each `#` is a random digit.
    """

    name: str
    region: str  # ISO 3166 code, for reading the local phone format back
    given: tuple[str, ...]
    family: tuple[str, ...]
    cities: tuple[str, ...]
    phones: tuple[str, ...]
    tld: str
    native: tuple[tuple[str, str], ...] = ()


COUNTRIES: tuple[Country, ...] = (
    Country("USA", "US", ("Jordan", "Avery", "Marcus", "Keisha", "Brandon", "Tamika", "Dwight"),
            ("McDonald", "Whitaker", "Johnson-Reyes", "Okafor", "Lindqvist", "Brennan"),
            ("Austin, TX", "Denver, CO", "Portland, OR", "Chicago, IL", "Raleigh, NC"),
            ("(512) 555-01##", "512-555-01##", "+1 303 555 01##"), "com"),
    Country("United Kingdom", "GB", ("Siobhán", "Callum", "Priya", "Rhys", "Imogen", "Oluwaseun"),
            ("O'Neill", "Fairbairn", "Ashworth-Lee", "MacLeod", "Pemberton"),
            ("London, United Kingdom", "Manchester, United Kingdom", "Leeds, United Kingdom"),
            ("+44 20 7946 0###", "+44 161 496 0###", "020 7946 0###"), "co.uk"),
    Country("Germany", "DE", ("Jürgen", "Anna-Lena", "Zoë", "Matthias", "Sönke", "Friederike"),
            ("Müller", "Schröder", "Weißenborn", "Krämer", "von Hollen", "Brückner"),
            ("Berlin, Germany", "München, Germany", "Köln, Germany", "Hamburg, Germany"),
            ("+49 30 12345##", "+49 89 123456##", "+49 151 2345 67##"), "de"),
    Country("Spain", "ES", ("José", "María José", "Íñigo", "Lucía", "Begoña", "Álvaro"),
            ("García", "de la Cruz", "Fernández-Soto", "Muñoz", "Ibáñez"),
            ("Madrid, Spain", "Sevilla, Spain", "Bilbao, Spain", "Valencia, Spain"),
            ("+34 912 345 6##", "+34 612 34 56 ##"), "es"),
    Country("Mexico", "MX", ("Guadalupe", "Joaquín", "Ximena", "Rogelio"),
            ("de la Cruz", "Hernández", "Zúñiga", "Villaseñor"),
            ("Ciudad de México, Mexico", "Guadalajara, Mexico", "Monterrey, Mexico"),
            ("+52 55 1234 56##", "+52 33 1234 56##"), "mx"),
    Country("France", "FR", ("Chloé", "Benoît", "Hélène", "François", "Gaëlle", "Loïc"),
            ("Lefèvre", "Dubois", "Garnier-Duval", "Bélanger", "de Villiers"),
            ("Paris, France", "Lyon, France", "Nantes, France", "Toulouse, France"),
            ("+33 1 23 45 67 ##", "+33 6 12 34 56 ##", "+33 4 72 12 34 ##"), "fr"),
    Country("Poland", "PL", ("Łukasz", "Małgorzata", "Wojciech", "Zofia", "Przemysław"),
            ("Wiśniewski", "Kowalczyk", "Dąbrowska", "Zieliński", "Wójcik"),
            ("Warszawa, Poland", "Kraków, Poland", "Gdańsk, Poland", "Łódź, Poland"),
            ("+48 22 123 45 ##", "+48 601 234 5##"), "pl"),
    Country("Vietnam", "VN", (), (), ("Hà Nội, Vietnam", "Đà Nẵng, Vietnam", "Huế, Vietnam"),
            ("+84 24 3825 12##", "+84 912 345 6##"), "vn",
            native=(("Nguyễn Văn An", "an.nguyen"), ("Trần Thị Ngọc Lan", "lan.tran"),
                    ("Phạm Quốc Bảo", "bao.pham"), ("Lê Thị Hồng", "hong.le"))),
    Country("India", "IN", ("Aarav", "Priyanka", "Venkatesh", "Lakshmi", "Harpreet", "Sandeep"),
            ("Subramanian", "Iyer", "Chakraborty", "Deshpande", "Reddy"),
            ("Bengaluru, India", "Mumbai, India", "Pune, India", "Chennai, India"),
            ("+91 98765 432##", "+91 99001 234##", "+91 80 2345 67##"), "in"),
    Country("China", "CN", (), (), ("Shanghai, China", "Beijing, China", "Shenzhen, China"),
            ("+86 139 1234 56##", "+86 21 6123 45##"), "cn",
            native=(("李娜", "li.na"), ("王伟", "wang.wei"), ("张晓明", "zhang.xiaoming"),
                    ("陈静", "chen.jing"))),
    Country("Japan", "JP", (), (), ("Tokyo, Japan", "Osaka, Japan", "Nagoya, Japan"),
            ("+81 3-1234-56##", "+81 90-1234-56##"), "jp",
            native=(("山田太郎", "taro.yamada"), ("佐藤花子", "hanako.sato"),
                    ("鈴木一郎", "ichiro.suzuki"))),
    Country("Netherlands", "NL", ("Daan", "Sanne", "Joost", "Femke", "Maarten"),
            ("van der Berg", "de Vries", "van Dijk", "Bakker", "ter Horst"),
            ("Amsterdam, Netherlands", "Utrecht, Netherlands", "Rotterdam, Netherlands"),
            ("+31 20 123 45##", "+31 6 1234 56##"), "nl"),
    Country("Russia", "RU", (), (), ("Moscow, Russia", "Kazan, Russia", "Novosibirsk, Russia"),
            ("+7 495 123-45-##", "+7 916 123-45-##"), "ru",
            native=(("Дмитрий Иванов", "dmitry.ivanov"), ("Анна Смирнова", "anna.smirnova"),
                    ("Сергей Кузнецов", "sergey.kuznetsov"))),
    Country("Greece", "GR", (), (), ("Athens, Greece", "Thessaloniki, Greece", "Patras, Greece"),
            ("+30 21 0123 45##", "+30 69 1234 56##"), "gr",
            native=(("Γιώργος Παπαδόπουλος", "g.papadopoulos"),
                    ("Ελένη Νικολάου", "eleni.nikolaou"))),
    Country("Brazil", "BR", ("João", "Conceição", "Thiago", "Luíza", "Sebastião"),
            ("Gonçalves", "Magalhães", "dos Santos", "Araújo", "Simões"),
            ("São Paulo, Brazil", "Curitiba, Brazil", "Belo Horizonte, Brazil"),
            ("+55 11 91234-56##", "+55 41 3123-45##"), "com.br"),
    Country("Turkey", "TR", ("Çağla", "Oğuz", "Şebnem", "Ümit", "İlker"),
            ("Şahin", "Yıldırım", "Öztürk", "Güneş", "Çelik"),
            ("Istanbul, Turkey", "Ankara, Turkey", "İzmir, Turkey"),
            ("+90 212 123 45 ##", "+90 532 123 45 ##"), "com.tr"),
    Country("Norway", "NO", ("Ørjan", "Åsa", "Bjørn", "Solveig", "Håkon"),
            ("Håland", "Sæther", "Bråthen", "Løvås", "Kristiansen"),
            ("Oslo, Norway", "Bergen, Norway", "Ålesund, Norway"),
            ("+47 22 12 34 ##", "+47 412 34 5##"), "no"),
    Country("Ireland", "IE", ("Aoife", "Ciarán", "Niamh", "Pádraig", "Róisín"),
            ("O'Sullivan", "McCarthy", "Ní Bhriain", "Fitzgerald", "Ó Briain"),
            ("Dublin, Ireland", "Cork, Ireland", "Galway, Ireland"),
            ("+353 1 555 01##", "+353 87 123 45##"), "ie"),
)

# (industry) -> titles, companies, skills (canonical taxonomy names), bullets
INDUSTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "software": (
        ("Software Engineer", "Senior Software Engineer", "Backend Developer", "DevOps Engineer",
         "Engineering Manager", "Data Engineer", "QA Analyst"),
        ("Northwind Traders Inc.", "Bluefin Systems GmbH", "Kestrel Cloud Ltd", "Quillon Labs",
         "Tessaract Software S.A.", "Harbourview Digital"),
        ("Python", "SQL", "Docker", "Kubernetes", "Java", "TypeScript", "PostgreSQL", "Git",
         "Terraform", "React", "Linux", "Jenkins"),
        ("Built a billing service handling two million invoices a month",
         "Cut deployment time from hours to minutes with a new pipeline",
         "Mentored four junior developers through their first releases"),
    ),
    "healthcare": (
        ("Registered Nurse", "Charge Nurse", "Clinical Coordinator", "Physiotherapist",
         "Pharmacy Technician", "Ward Manager"),
        ("Lakeside Regional Hospital", "St. Brigid Medical Centre", "Clínica Santa Aurelia",
         "Mercy Valley Health", "Klinikum Am Rheinufer"),
        ("EHR", "Epic", "Leadership", "Communication", "Excel", "Customer Service"),
        ("Coordinated care for a 30-bed surgical ward",
         "Trained new staff on medication safety procedures",
         "Reduced patient wait times by reorganising triage"),
    ),
    "finance": (
        ("Financial Analyst", "Senior Accountant", "Audit Associate", "Controller",
         "Credit Risk Analyst", "Payroll Specialist"),
        ("Granite Peak Capital", "Banco Meridiano S.A.", "Hollis & Crane LLP",
         "Sterling Row Partners", "Ridgefield Credit Union"),
        ("Excel", "SAP", "Financial Modeling", "Accounting", "Power BI", "QuickBooks",
         "Budgeting", "Tableau", "Payroll"),
        ("Prepared monthly management accounts for three subsidiaries",
         "Automated the quarterly close with shared reconciliation templates",
         "Led the migration of ledgers to a new ERP"),
    ),
    "manufacturing": (
        ("Quality Engineer", "Process Engineer", "Plant Manager", "Maintenance Technician",
         "Production Supervisor", "Mechanical Design Engineer"),
        ("Kessler Maschinenbau GmbH", "Ironbridge Components Ltd", "Sakura Denki K.K.",
         "Talleres Ondarra S.L.", "Vulcan Forge Works"),
        ("AutoCAD", "SolidWorks", "Six Sigma", "MATLAB", "CATIA", "Minitab", "LabVIEW"),
        ("Raised first-pass yield from 91% to 97% on the stamping line",
         "Introduced preventive maintenance schedules for forty machines",
         "Ran supplier audits across four countries"),
    ),
    "logistics": (
        ("Logistics Coordinator", "Warehouse Supervisor", "Supply Planner", "Fleet Manager",
         "Customs Broker"),
        ("Blue Harbor Logistics", "Transportes Levante S.A.", "Nordkap Freight AS",
         "Meridian Cargo Ltd", "Rheinland Spedition GmbH"),
        ("Logistics", "SAP", "Excel", "Negotiation", "Microsoft Dynamics", "Power BI"),
        ("Planned routes for a fleet of 60 trucks",
         "Cut mis-picks by a third with barcode checks at packing",
         "Negotiated carrier contracts worth four million a year"),
    ),
    "marketing": (
        ("Marketing Manager", "Content Strategist", "Brand Manager", "SEO Specialist",
         "Communications Officer", "Graphic Designer"),
        ("Brightline Media", "Agencia Faro Creativo", "Lumen & Slate", "Papillon Studio SARL",
         "Greenleaf Consumer Brands"),
        ("SEO", "Google Analytics", "HubSpot", "Photoshop", "InDesign", "Figma", "Marketing",
         "WordPress"),
        ("Grew organic traffic by 140% in eighteen months",
         "Ran campaigns for three product launches across Europe",
         "Rebuilt the brand guidelines and template library"),
    ),
    "construction": (
        ("Site Engineer", "Project Manager", "Quantity Surveyor", "Architect",
         "Construction Manager"),
        ("Atlas Bau AG", "Constructora Pirineo S.A.", "Stonegate Builders Ltd",
         "Fjordhus Entreprenør AS", "Keystone Civil Partners"),
        ("AutoCAD", "Revit", "Project Management", "Microsoft Project", "Budgeting", "ArcGIS"),
        ("Delivered a 120-unit housing project on budget",
         "Managed subcontractors on a bridge refurbishment",
         "Prepared tender documents and cost plans"),
    ),
    "education": (
        ("Mathematics Teacher", "Head of Science", "Curriculum Developer",
         "Academic Advisor", "Lecturer in Economics"),
        ("Riverside Academy", "Colegio San Telmo", "Northgate Grammar School",
         "Westbrook Community College", "Gymnasium am Lindenplatz"),
        ("Microsoft Office", "Communication", "Leadership", "Data Analysis", "PowerPoint"),
        ("Taught algebra and statistics to five classes a year",
         "Raised exam pass rates by twelve points",
         "Designed a new data-literacy course"),
    ),
}

DEGREES: tuple[str, ...] = (
    "Bachelor of Science in Computer Science", "Master of Business Administration",
    "Bachelor of Arts in Economics", "Master of Engineering in Mechanical Engineering",
    "Bachelor of Science in Nursing", "Master of Science in Finance",
    "Bachelor of Engineering in Civil Engineering", "Master of Arts in Education",
    "Bachelor of Commerce", "Master of Science in Logistics",
)

SCHOOLS: tuple[str, ...] = (
    "Lakeside University", "Universidad de Valdemora", "Rhine Valley University",
    "Northbridge Institute of Technology", "University of Eastmoor",
    "Université de Montclair", "Politechnika Nadwiślańska", "Kingsford College",
    "Instituto Tecnológico del Norte", "Hanseatic University of Applied Sciences",
)

SUMMARIES: tuple[str, ...] = (
    "Practical professional who likes clear goals and measurable results.",
    "Team lead with a record of calm delivery under pressure.",
    "Specialist who enjoys improving processes and training colleagues.",
    "Bilingual professional used to working across borders and time zones.",
)
