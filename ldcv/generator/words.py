"""The words generated CVs are made of: names by culture, universities, venues, titles.

Pure data for ``ldcv.generator``. Names carry the diacritics real bylines carry
(Müller, Łukasz, Øster, José, Şahin). Lists are written as one comma-separated text
each, and every list is ordered, so a seed gives the same institute on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """The items of a comma-separated list: ``"Müller, Nowak"`` → ``("Müller", "Nowak")``."""
    return tuple(item.strip() for item in text.split(","))


@dataclass(frozen=True)
class Culture:
    """Where a researcher comes from: names, mother tongue, schools and universities."""

    given: tuple[str, ...]
    family: tuple[str, ...]
    # Family names of the long tail: a stem and a suffix ("Hof" + "mann").
    stems: tuple[str, ...]
    suffixes: tuple[str, ...]
    language: tuple[str, str]  # English name, BCP 47 code
    country: str
    phone: str  # country calling code
    cities: tuple[str, ...]
    school_degree: str
    schools: tuple[str, ...]
    universities: tuple[tuple[str, str, tuple[str, ...], str], ...]  # key, name, short, city
    weight: float  # how many of an institute's researchers come from here
    # Given names built of two syllables, joined as the culture writes them.
    syllables: tuple[str, ...] = ()
    joiner: str = ""


CULTURES: dict[str, Culture] = {
    "de": Culture(
        given=_words(
            "Klaus-Robert, Jürgen, Jörg, Sören, Björn, Anja, Käthe, Günter, Heike, Maximilian, "
            "Lea, Lukas, Johanna, Felix, Sophie, Tobias, Katrin, Matthias, Annika, Hans-Peter, "
            "Ute, Dörte, Wolfgang, Marie-Luise, Frauke, Moritz, Henrike, Sebastian, Leonie, "
            "Jan-Niklas"
        ),
        family=_words(
            "Müller, Schäfer, Köhler, Groß, Weiß, Schröder, Bäcker, Fröhlich, Hoffmann, Krüger, "
            "Lößner, Wächter, Brückner, Göbel, Hähnel, Jäger, Kühn, Lührs, Möller, Nöth, Pöschl, "
            "Rößler, Schütte, Thürmer, Völker, Zöllner, Lapuschkin"
        ),
        stems=_words(
            "Hof, Berg, Stein, Wald, Brück, Lind, Schön, Grün, Köhl, Fried, Haus, Kirch, Mühl, "
            "Roth, Schwäb, Wies, Dorn, Eich, Falk, Gärt, Holz, Kess, Lang, Mess, Nord, Sand, Trau, "
            "Ulm, Weid, Zimm"
        ),
        suffixes=_words(
            "mann, er, inger, hoff, ner, ke, bauer, hausen, hardt, ler, meyer, städt, wald, "
            "berger, feld, brink, rieder"
        ),
        language=("German", "de"),
        country="Germany",
        phone="+49",
        cities=_words("Berlin, München, Würzburg, Köln, Dresden, Lübeck, Göttingen"),
        school_degree="Abitur",
        schools=_words("Goethe-Gymnasium, Schiller-Gymnasium, Käthe-Kollwitz-Gymnasium"),
        universities=(
            ("tu-berlin", "Technische Universität Berlin", ("TU Berlin",), "Berlin"),
            ("lmu-muenchen", "Ludwig-Maximilians-Universität München", ("LMU",), "München"),
            ("uni-wuerzburg", "Julius-Maximilians-Universität Würzburg", ("JMU",), "Würzburg"),
            ("uni-koeln", "Universität zu Köln", (), "Köln"),
            ("tu-dresden", "Technische Universität Dresden", ("TU Dresden",), "Dresden"),
            ("uni-luebeck", "Universität zu Lübeck", (), "Lübeck"),
            ("uni-goettingen", "Georg-August-Universität Göttingen", (), "Göttingen"),
        ),
        weight=0.34,
    ),
    "pl": Culture(
        given=_words(
            "Łukasz, Małgorzata, Paweł, Agnieszka, Wojciech, Krzysztof, Zofia, Bartłomiej, "
            "Grażyna, Michał, Jędrzej, Katarzyna, Przemysław, Żaneta"
        ),
        family=_words(
            "Nowak, Wójcik, Kowalczyk, Wiśniewski, Łukaszewicz, Dąbrowska, Zieliński, Kamińska, "
            "Lewandowski, Woźniak, Sójka, Żółtowski"
        ),
        stems=_words(
            "Kowal, Wiśn, Łuk, Zieli, Kamiń, Lewand, Dąbr, Woźni, Grab, Sikor, Jabł, Pawł, Krawcz, "
            "Mazur, Szym, Wróbl"
        ),
        suffixes=_words("ski, ska, czyk, ewicz, owski, iak, ek, ecka"),
        language=("Polish", "pl"),
        country="Poland",
        phone="+48",
        cities=_words("Kraków, Wrocław, Łódź, Gdańsk, Poznań"),
        school_degree="Matura",
        schools=_words("I Liceum Ogólnokształcące, V Liceum Ogólnokształcące"),
        universities=(
            ("agh", "Akademia Górniczo-Hutnicza w Krakowie", ("AGH",), "Kraków"),
            ("uj", "Uniwersytet Jagielloński", ("UJ",), "Kraków"),
            ("pwr", "Politechnika Wrocławska", ("PWr",), "Wrocław"),
            ("ul", "Uniwersytet Łódzki", (), "Łódź"),
        ),
        weight=0.1,
    ),
    "da": Culture(
        given=_words(
            "Søren, Bjørn, Åse, Mads, Astrid, Jørgen, Ingrid, Rasmus, Signe, Frederik, Mette"
        ),
        family=_words(
            "Øster, Sørensen, Jørgensen, Østergaard, Kjærgaard, Bøgh, Lykke, Dahl, Holm, Nygaard, "
            "Bækgaard"
        ),
        stems=_words(
            "Sør, Jør, Ås, Øst, Lund, Berg, Dahl, Holm, Nør, Kjær, Vest, Skov, Bæk, Fjord"
        ),
        suffixes=_words("sen, gaard, strup, lund, dal, vig, by, holt, rup"),
        language=("Danish", "da"),
        country="Denmark",
        phone="+45",
        cities=_words("København, Aarhus, Odense, Aalborg"),
        school_degree="Studentereksamen",
        schools=_words("Øregård Gymnasium, Aarhus Katedralskole"),
        universities=(
            ("dtu", "Danmarks Tekniske Universitet", ("DTU",), "København"),
            ("ku", "Københavns Universitet", ("KU",), "København"),
            ("au", "Aarhus Universitet", ("AU",), "Aarhus"),
        ),
        weight=0.07,
    ),
    "es": Culture(
        given=_words(
            "José, María, Joaquín, Inés, Andrés, Lucía, Sebastián, Begoña, Íñigo, Raúl, Ramón, "
            "Nuria, Maria José"
        ),
        family=_words(
            "García, Núñez, Pérez, Muñoz, Fernández, González, Sánchez, Martín, Ibáñez, Gómez, "
            "Jiménez, Peña"
        ),
        stems=_words(
            "Garc, Muñ, Núñ, Pér, Rodr, Fernánd, Gonzál, Sánch, Cast, Ord, Villa, Torr, Alc"
        ),
        suffixes=_words("ez, ía, illo, ado, ón, eda, ero, aña"),
        language=("Spanish", "es"),
        country="Spain",
        phone="+34",
        cities=_words("Madrid, Málaga, Granada, Córdoba, València"),
        school_degree="Bachillerato",
        schools=_words("IES Cervantes, IES Ramón y Cajal"),
        universities=(
            ("upm", "Universidad Politécnica de Madrid", ("UPM",), "Madrid"),
            ("ugr", "Universidad de Granada", ("UGR",), "Granada"),
            ("uma", "Universidad de Málaga", ("UMA",), "Málaga"),
        ),
        weight=0.08,
    ),
    "pt": Culture(
        given=_words("João, Conceição, Gonçalo, Inês, Sérgio, Luís, Fábio, Mónica"),
        family=_words("Gonçalves, Magalhães, Simões, Conceição, Araújo, Estêvão, Falcão, Brandão"),
        stems=_words("Gonç, Magalh, Sim, Araú, Falc, Brand, Rib, Lour, Guimar"),
        suffixes=_words("ães, ões, alves, eiro, inho, ado"),
        language=("Portuguese", "pt"),
        country="Portugal",
        phone="+351",
        cities=_words("Lisboa, Porto, Coimbra"),
        school_degree="Ensino Secundário",
        schools=_words("Escola Secundária Camões"),
        universities=(
            ("ulisboa", "Universidade de Lisboa", ("ULisboa",), "Lisboa"),
            ("up", "Universidade do Porto", ("U.Porto",), "Porto"),
        ),
        weight=0.05,
    ),
    "fr": Culture(
        given=_words(
            "François, Hélène, Amélie, Jérôme, Émile, Zoé, Benoît, Cécile, Anaïs, Jean-Baptiste, "
            "Marie-Hélène, Gaëlle"
        ),
        family=_words(
            "Lefèvre, Dubois, Girard, Bérenger, Fontaine, Chevalier, Hébert, Lemaître, Ménard, "
            "Pétain, Rivière"
        ),
        stems=_words("Lefèv, Dub, Gir, Mor, Bér, Fontai, Bouch, Chev, Mén, Riv, Hébr"),
        suffixes=_words("re, ois, ard, eau, in, et, ier, aud"),
        language=("French", "fr"),
        country="France",
        phone="+33",
        cities=_words("Paris, Toulouse, Orléans, Besançon"),
        school_degree="Baccalauréat",
        schools=_words("Lycée Henri-IV, Lycée Fénelon"),
        universities=(
            ("sorbonne", "Sorbonne Université", (), "Paris"),
            ("upsaclay", "Université Paris-Saclay", (), "Paris"),
            ("ut3", "Université Toulouse III – Paul Sabatier", ("UT3",), "Toulouse"),
        ),
        weight=0.07,
    ),
    "tr": Culture(
        given=_words("Şule, Çağlar, Gökhan, Ayşe, İlker, Özge, Barış, Müge, Ömer, Gülşen, Tuğba"),
        family=_words("Şahin, Yılmaz, Çelik, Öztürk, Doğan, Kılıç, Aydın, Güneş, Erdoğmuş, Şimşek"),
        stems=_words("Yıl, Kaya, Demir, Şah, Çel, Öz, Ay, Kılı, Doğ, Gün, Tek"),
        suffixes=_words("maz, ik, türk, can, oğlu, er, han, soy"),
        language=("Turkish", "tr"),
        country="Türkiye",
        phone="+90",
        cities=_words("İstanbul, Ankara, İzmir"),
        school_degree="Lise Diploması",
        schools=_words("Galatasaray Lisesi, Ankara Fen Lisesi"),
        universities=(
            ("itu", "İstanbul Teknik Üniversitesi", ("İTÜ",), "İstanbul"),
            ("metu", "Orta Doğu Teknik Üniversitesi", ("ODTÜ", "METU"), "Ankara"),
            ("bogazici", "Boğaziçi Üniversitesi", (), "İstanbul"),
        ),
        weight=0.07,
    ),
    "cs": Culture(
        given=_words("Jiří, Tomáš, Věra, Ondřej, Radka, Zdeněk, Lucie, Dušan"),
        family=_words("Dvořák, Novák, Procházka, Černý, Kučera, Veselý, Růžička, Šťastný"),
        stems=_words("Dvoř, Nov, Proch, Kuč, Ves, Růž, Hor, Svob, Mareš"),
        suffixes=_words("ák, ka, ný, era, ek, íček"),
        language=("Czech", "cs"),
        country="Czechia",
        phone="+420",
        cities=_words("Praha, Brno, Olomouc"),
        school_degree="Maturita",
        schools=_words("Gymnázium Jana Keplera"),
        universities=(
            ("cvut", "České vysoké učení technické v Praze", ("ČVUT",), "Praha"),
            ("muni", "Masarykova univerzita", ("MU",), "Brno"),
        ),
        weight=0.05,
    ),
    "hu": Culture(
        given=_words("Zoltán, Réka, Gábor, Ildikó, Ákos, Tünde, Lőrinc"),
        family=_words("Kovács, Szabó, Tóth, Horváth, Németh, Fehér, Balázs"),
        stems=_words("Kov, Szab, Horv, Ném, Feh, Bal, Vár, Szűc"),
        suffixes=_words("ács, ó, áth, eth, ér, ázs, hegyi"),
        language=("Hungarian", "hu"),
        country="Hungary",
        phone="+36",
        cities=_words("Budapest, Szeged, Debrecen"),
        school_degree="Érettségi",
        schools=_words("Fazekas Mihály Gimnázium"),
        universities=(
            ("elte", "Eötvös Loránd Tudományegyetem", ("ELTE",), "Budapest"),
            ("bme", "Budapesti Műszaki és Gazdaságtudományi Egyetem", ("BME",), "Budapest"),
        ),
        weight=0.04,
    ),
    "ko": Culture(
        given=_words("Seul-Ki, Min-Jun, Ji-Woo, Soo-Kyung, Hyun-Woo, Eun-Ji, Dong-Hyun"),
        family=_words(
            "Kim, Park, Yeom, Choi, Jung, Kang, Cho, Yoon, Lee, Han, Shin, Seo, Kwon, Hwang, Ahn, "
            "Song, Ryu, Hong, Jeon, Baek"
        ),
        stems=(),
        suffixes=(),
        language=("Korean", "ko"),
        country="South Korea",
        phone="+82",
        cities=_words("Seoul, Daejeon"),
        school_degree="High School Diploma",
        schools=_words("Seoul Science High School"),
        universities=(
            ("kaist", "Korea Advanced Institute of Science and Technology", ("KAIST",), "Daejeon"),
            ("snu", "Seoul National University", ("SNU",), "Seoul"),
        ),
        weight=0.05,
        syllables=_words(
            "Seul, Min, Ji, Soo, Hyun, Eun, Dong, Jae, Sung, Young, Hye, Kyung, Woo, Jun, Ha, "
            "Yeon, Tae, Bo, Na, Chan"
        ),
        joiner="-",
    ),
    "zh": Culture(
        given=_words("Xiaoyu, Jing, Wei, Yiming, Zhiqiang, Lanlan, Haoran"),
        family=_words(
            "Zhang, Wang, Chen, Liu, Yang, Zhao, Huang, Zhou, Sun, Xu, Ma, Zhu, Guo, Lin, Gao, "
            "Luo, Zheng, Liang, Xie, Tang, Feng, Deng, Cao, Peng, Zeng, Tian, Dong, Pan, Yuan, "
            "Cai, Jiang, Du, Ye, Cheng, Wei, Su, Lü, Ding, Ren, Yao, Shen, Zhong, Cui, Tan, Fan, "
            "Fang, Shi, Qian, Kong, Bai"
        ),
        stems=(),
        suffixes=(),
        language=("Chinese", "zh"),
        country="China",
        phone="+86",
        cities=_words("Beijing, Shanghai"),
        school_degree="High School Diploma",
        schools=_words("Beijing No. 4 High School"),
        universities=(
            ("tsinghua", "Tsinghua University", ("THU",), "Beijing"),
            ("fudan", "Fudan University", (), "Shanghai"),
        ),
        weight=0.05,
        syllables=_words(
            "Xiao, Yu, Jing, Wei, Yi, Ming, Zhi, Qiang, Hao, Ran, Lan, Jun, Hui, Tao, Xin, Yan, "
            "Kai, Lei, Bo, Chen"
        ),
    ),
    "vi": Culture(
        given=_words("Minh, Thị Hương, Quốc Anh, Thảo, Đức, Ngọc Lan"),
        family=_words(
            "Nguyễn, Trần, Lê, Phạm, Đặng, Vũ, Đỗ, Hoàng, Huỳnh, Phan, Bùi, Ngô, Dương, Lý, "
            "Trương, Đinh"
        ),
        stems=(),
        suffixes=(),
        language=("Vietnamese", "vi"),
        country="Vietnam",
        phone="+84",
        cities=_words("Hà Nội, Đà Nẵng"),
        school_degree="Bằng tốt nghiệp THPT",
        schools=_words("Trường THPT Chu Văn An"),
        universities=(("hust", "Đại học Bách khoa Hà Nội", ("HUST",), "Hà Nội"),),
        weight=0.03,
        syllables=_words(
            "Thị, Văn, Minh, Hương, Quốc, Anh, Thảo, Đức, Ngọc, Lan, Hải, Thành, Phương, Tuấn, "
            "Linh, Bảo"
        ),
        joiner=" ",
    ),
}

# Where the institutes are: a city, and the culture of its partner university.
INSTITUTE_CITIES = (
    ("Berlin", "de"),
    ("Würzburg", "de"),
    ("München", "de"),
    ("Dresden", "de"),
    ("Kraków", "pl"),
    ("København", "da"),
    ("Málaga", "es"),
    ("Toulouse", "fr"),
    ("Brno", "cs"),
    ("İstanbul", "tr"),
    ("Lisboa", "pt"),
    ("Budapest", "hu"),
    ("Göttingen", "de"),
    ("Wrocław", "pl"),
    ("Aarhus", "da"),
    ("Granada", "es"),
)
INSTITUTE_FIELDS = _words(
    "Machine Learning, Data Science, Signal Processing, Computational Biology, Intelligent "
    "Systems, Visual Computing, Communication Technology, Applied AI"
)
GROUP_TOPICS = _words(
    "Explainable AI, Efficient Deep Learning, Medical Image Analysis, Video Coding, Computer "
    "Vision, Speech and Audio, Biomechanics, Graph Learning, Robotics, Reinforcement Learning, "
    "Natural Language Processing, Federated Learning, Bayesian Methods, Quantum Machine Learning, "
    "Remote Sensing, Neuroimaging, Time Series, Optimisation, Trustworthy AI, Wireless "
    "Communication"
)

# Titles: templates over methods, tasks and qualities.
METHODS = _words(
    "Layer-wise Relevance Propagation, Concept Activation Vectors, Graph Neural Networks, "
    "Transformers, Gaussian Processes, Kernel Methods, Contrastive Learning, Diffusion Models, "
    "Spectral Clustering, Bayesian Optimisation, Federated Learning, Sparse Autoencoders, "
    "Attention Mechanisms, Quantized Networks, Counterfactual Explanations, Shapley Values, Deep "
    "Taylor Decomposition, Variational Inference, Policy Gradients, Self-Supervised Pretraining, "
    "Knowledge Distillation, Neural Architecture Search, Random Features, Optimal Transport, "
    "Symbolic Regression, Prototype Networks, Fisher Vectors, Integrated Gradients, "
    "Mixture-of-Experts Models, Normalizing Flows"
)
TASKS = _words(
    "Image Classification, Histopathology, Gait Analysis, Speech Recognition, Time Series "
    "Forecasting, Molecular Property Prediction, EEG Decoding, Video Compression, Anomaly "
    "Detection, Semantic Segmentation, Protein Design, Weather Prediction, Traffic Prediction, "
    "Medical Imaging, Document Understanding, Few-Shot Learning, Audio Classification, Quantum "
    "Chemistry, Remote Sensing, Drug Discovery, Image Captioning, Rail Operations, Age and Gender "
    "Estimation, Action Recognition, Skin Lesion Screening, Neuroimaging, Question Answering"
)
QUALITIES = _words(
    "Explainable, Robust, Efficient, Interpretable, Scalable, Faithful, Sparse, Hierarchical, "
    "Uncertainty-Aware, Human-Centered, Causal, Fair, Low-Bit, Data-Efficient, Privacy-Preserving, "
    "Pixel-wise, "
    "Continual, Multi-Modal, Certified"
)
PROPERTIES = _words(
    "Robustness, Faithfulness, Stability, Limits, Geometry, Sample Complexity, Calibration, "
    "Convergence, Expressivity, Sensitivity"
)
# Titles: the example SPARQL queries search for "pixel-wise" and "relevance" in them.
TITLE_TEMPLATES = (
    "On Pixel-wise Explanations for {task} by {method}",
    "{quality} {task} with {method}",
    "{method} for {quality} {task}",
    "Towards {quality} {method}: Lessons from {task}",
    "On the {property} of {method} in {task}",
    "{acronym}: {quality} {method} for {task}",
    "Understanding {method} beyond {task}",
    "Explaining {task} Models with {method}",
    "A Benchmark for {quality} {task}",
    "When Do {method} Fail? A Study of {task}",
    "Revisiting {method} for {task}: {quality} and {quality2}",
    "{quality} and {quality2} {method}",
    "Finding and Removing Shortcuts in {task} with {method}",
    "From {method} to {method2}: {quality} {task}",
    "The {property} of {quality} {method}",
    "Learning {quality} Representations for {task}",
    "{method} Meet {method2} in {task}",
)

# Journals: name, the year of volume 1, issues a volume (0: none), how articles are
# numbered (pages, article numbers, PLoS-style e-numbers), DOI prefix ("": none).
JOURNALS = (
    ("Information Fusion", 1999, 0, "pages", "10.1016"),
    ("Pattern Recognition", 1967, 0, "article", "10.1016"),
    ("Nature Communications", 2009, 0, "article", "10.1038"),
    ("Scientific Reports", 2010, 0, "article", "10.1038"),
    ("PLoS ONE", 2005, 12, "plos", "10.1371"),
    ("Journal of Machine Learning Research", 1999, 200, "pages", ""),
    ("IEEE Transactions on Neural Networks and Learning Systems", 1989, 12, "pages", "10.1109"),
    ("Proceedings of the IEEE", 1912, 12, "pages", "10.1109"),
    ("Neural Networks", 1987, 0, "pages", "10.1016"),
    ("Journal of Neuroscience Methods", 1978, 0, "pages", "10.1016"),
    ("Gait & Posture", 1992, 4, "pages", "10.1016"),
    ("Künstliche Intelligenz", 1986, 4, "pages", "10.1007"),
    ("Przegląd Elektrotechniczny", 1918, 12, "pages", "10.15199"),
    ("Revista Iberoamericana de Inteligencia Artificial", 1996, 2, "pages", ""),
    ("Journal of the Royal Society Interface", 2003, 12, "article", "10.1098"),
)
# Conferences: name, acronym, the year of the first.
CONFERENCES = (
    ("IEEE Conference on Computer Vision and Pattern Recognition", "CVPR", 1983),
    ("International Conference on Machine Learning", "ICML", 1980),
    ("IEEE International Conference on Acoustics, Speech and Signal Processing", "ICASSP", 1976),
    ("International Conference on Pattern Recognition", "ICPR", 1973),
    ("IEEE International Joint Conference on Neural Networks", "IJCNN", 1987),
    ("IEEE International Conference on Image Processing", "ICIP", 1994),
    ("Conference on Neural Information Processing Systems", "NeurIPS", 1987),
    ("Jornadas de Automática", "JA", 1977),
    ("Deutsche Arbeitsgemeinschaft für Mustererkennung Symposium", "DAGM", 1978),
)
WORKSHOP_TOPICS = _words(
    "Visualization for Deep Learning, Explainable AI Beyond Deep Models and Classifiers, Machine "
    "Learning Open Source Software, Analysis and Modeling of Faces and Gestures, Interpretable ML "
    "for Complex Systems, Trustworthy Machine Learning, Efficient Deep Learning for Edge Devices, "
    "Learning from Limited Labels"
)
BOOK_THEMES = (
    "Explainable AI: Interpreting, Explaining and Visualizing Deep Learning",
    "Information Science and Applications",
    "Handbook of Trustworthy Machine Learning",
    "Advances in Medical Image Computing",
    "Mathematical Foundations of Deep Learning",
    "Künstliche Intelligenz in der Medizin",
)
SERIES = _words("Lecture Notes in Computer Science, Lecture Notes in Electrical Engineering")
PUBLISHERS = (  # publisher, place
    ("Springer", "Cham"),
    ("Springer", "Singapore"),
    ("Elsevier", "Amsterdam"),
    ("MIT Press", "Cambridge, MA"),
    ("Springer Vieweg", "Wiesbaden"),
    ("Éditions Hermann", "Paris"),
)

SKILL_GROUPS = {
    "Technical": _words(
        "python, Linux, bash, git, subversion, Slurm, Matlab, HTML, C#, C++, C, Java, lua, SQL, "
        "LaTeX, Inkscape, Docker, Rust, Julia"
    ),
    "Methods": _words(
        "SVMs, DNNs, preprocessing pipelines, embeddings, clustering, Bayesian inference, graph "
        "algorithms, signal processing, statistics"
    ),
    "Application domains": _words(
        "text, audio, video, images, time series and biomechanical data, histopathology, genomics, "
        "robotics, remote sensing"
    ),
}
LEVELS = (
    "full professional proficiency",
    "professional working proficiency",
    "limited working proficiency",
    "elementary proficiency",
)
# Awards: name, description, the description's language, rank. (A best-paper award,
# which names its paper, is drawn apart.)
AWARDS = (
    ("Hugo-Geiger-Prize", "Förderpreis für herausragende Promotionsleistungen", "de", "1st place"),
    ("Freunde des HHI", "Förderpreis für exzellente wissenschaftliche Arbeiten", "de", None),
    ("ERCIM", "Cor Baayen Young Researcher Award", "en", "finalist"),
    ("Outstanding Reviewer Award", None, None, None),
    ("Nagroda Rektora", "Nagroda za wybitne osiągnięcia naukowe", "pl", "2nd place"),
    ("Premio Extraordinario de Doctorado", "Mejor tesis doctoral del año", "es", None),
    ("Dissertation Award", "Best doctoral thesis of the year", "en", "1st place"),
    ("Teaching Award", "Für hervorragende Lehre", "de", None),
)
PROJECT_WORDS = _words(
    "Transparent, Medical, Expert, Companion, Intelligent, Total, Body, Scanner, Digital, Rail, "
    "Operations, Trustworthy, Energy, Grid, Learning, Robust, Sensor, Network, Clinical, Vision, "
    "Secure, Edge, Computing, Forest, Monitoring, Autonomous, Traffic, Quantum, Language, Models"
)
PATENT_OFFICES = _words("EP, US, JP, KR, CA, CN, DE, RU")
STREETS = {
    "de": _words("Kaiserin-Augusta-Allee, Schönhauser Allee, Müllerstraße, Hauptstraße"),
    "pl": _words("ulica Łąkowa, ulica Świętokrzyska"),
    "da": _words("Østerbrogade, Nørrebrogade"),
    "es": _words("Calle de Alcalá, Avenida de Andalucía"),
    "fr": _words("Rue de la Paix, Avenue Jean-Jaurès"),
}
FIELDS_OF_STUDY = _words(
    "Computer Science, Electrical Engineering, Mathematics, Physics, Bioinformatics, Informatik, "
    "Computational Linguistics"
)
STAGE_TITLES = {
    "phd": "Doctoral Researcher",
    "postdoc": "Postdoctoral Researcher",
    "senior": "Senior Researcher",
    "head": "Head of Group",
}
