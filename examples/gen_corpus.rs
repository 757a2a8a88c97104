/*!
A reproducible benchmark corpus: French and English conference-recap-like write-ups,
5–20 KB each, with headings, agendas, speakers, roles, companies (some from the
gazetteer, some invented), projects and events. Same arguments, same bytes.

    cargo run --release --example gen_corpus -- SIZE_MB OUT_DIR [SEED]

Files go to `OUT_DIR/NNNN/recap-NNNNNN.{md,txt}` (1,000 per folder). The name lists live
here, not in `rules/`, so the corpus does not change when the rules do; the gazetteer
names below are ones `rules/` knows today, the invented ones are not in it on purpose.
*/

use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// What this generator draws beyond numbers.
impl Rng {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const FIRST_FR: &[&str] = &[
    "Camille",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Julien",
    "Élodie",
    "Nicolas",
    "Inès",
    "Antoine",
    "Clémence",
    "Mathieu",
    "Sarah",
    "Thomas",
    "Aurélie",
    "Quentin",
    "Margaux",
    "Sébastien",
    "Noémie",
    "Guillaume",
    "Océane",
    "Romain",
    "Hélène",
    "Baptiste",
    "Pauline",
    "Maxime",
    "Justine",
    "Jérôme",
    "Amandine",
];
const FIRST_EN: &[&str] = &[
    "Emily", "James", "Olivia", "Daniel", "Sophie", "Michael", "Hannah", "David", "Grace",
    "Robert", "Laura", "Steven", "Rachel", "Andrew", "Megan", "Kevin", "Jessica", "Brian",
    "Natalie", "Patrick", "Priya", "Arjun", "Mei", "Kenji", "Fatima", "Omar", "Ingrid", "Lars",
    "Anna", "Marco",
];
const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Lefebvre",
    "Moreau",
    "Garnier",
    "Rousseau",
    "Fontaine",
    "Chevalier",
    "Marchetti",
    "Kerbrat",
    "Le Goff",
    "Okafor",
    "Belkacem",
    "Nguyen",
    "Haddad",
    "Thompson",
    "Whitaker",
    "Fernandez",
    "Kowalski",
    "Lindqvist",
    "Tanaka",
    "Okonkwo",
    "Patel",
    "Schneider",
    "Rossi",
    "Murphy",
    "O'Brien",
    "Van der Berg",
    "Delacroix",
];
/// Organisations the gazetteer knows.
const KNOWN_ORGS: &[&str] = &[
    "Doctolib",
    "Qonto",
    "Datadog",
    "Google",
    "Microsoft",
    "Red Hat",
    "OVHcloud",
    "Scaleway",
    "Criteo",
    "BlaBlaCar",
    "Thoughtworks",
    "Capgemini",
    "Theodo",
    "Adyen",
    "Worldline",
    "Spotify",
    "Shopify",
    "Grafana Labs",
    "Zalando",
    "Jetstack",
    "Isovalent",
    "Clever Cloud",
    "Sfeir",
    "Ippon Technologies",
    "Dashlane",
    "Infomaniak",
    "Giant Swarm",
    "DataStax",
    "Cloudflare",
    "GitLab",
];
/// Organisations it does not know: the extractor finds them by position ("chez X").
const NEW_ORGS: &[&str] = &[
    "Quillbyte",
    "Pastelia",
    "Ferncastle Grocers",
    "Nordlicht Data",
    "Brindleworks",
    "Kestrel Systems",
    "Maraîche",
    "Vendanges Numériques",
    "Tidewater Labs",
    "Oakrun",
    "Pixelcargo",
    "Lumen Freight",
    "Hexagone Santé",
    "Corvid Analytics",
    "Silverbirch",
];
const PROJECTS: &[&str] = &[
    "Kubernetes",
    "Prometheus",
    "OpenTelemetry",
    "Argo CD",
    "Backstage",
    "cert-manager",
    "Kyverno",
    "Cilium",
    "Istio",
    "Grafana",
    "PostgreSQL",
    "Kafka",
    "Terraform",
    "Helm",
    "Flux",
    "KEDA",
    "Karpenter",
    "Dapr",
    "Harbor",
    "KubeVirt",
    "Crossplane",
    "Envoy",
    "etcd",
    "Tempo",
    "Loki",
    "Strimzi",
    "Patroni",
    "PgBouncer",
    "Rust",
    "Kotlin",
];
const EVENTS: &[(&str, &str)] = &[
    ("KubeCon Europe", "en"),
    ("Devoxx France", "fr"),
    ("DevFest Nantes", "fr"),
    ("Volcamp", "fr"),
    ("SREcon", "en"),
    ("ContainerDays", "en"),
    ("Cloud Nord", "fr"),
    ("Sunny Tech", "fr"),
];
const ROLES_FR: &[&str] = &[
    "Staff Engineer",
    "développeuse backend",
    "SRE",
    "architecte cloud",
    "DevRel",
    "responsable plateforme",
    "ingénieur sécurité",
];
const ROLES_EN: &[&str] = &[
    "a staff engineer",
    "the platform lead",
    "a principal SRE",
    "a developer advocate",
    "an engineering manager",
    "a security engineer",
];
const TITLE_EN: &[&str] = &[
    "Scaling {J} Without Tears",
    "Lessons Learned Running {J} in Production",
    "From Monolith to {J}: A Migration Story",
    "Taming {J} at Scale",
    "Zero Downtime Upgrades with {J}",
    "Observability Beyond Dashboards with {J}",
    "Securing Your Supply Chain with {J}",
    "Building a Platform Developers Actually Use",
];
const TITLE_FR: &[&str] = &[
    "Migrer vers {J} sans douleur",
    "{J} à l'échelle : retour d'expérience",
    "Observabilité pragmatique avec {J}",
    "Dix ans de {J} en production",
    "Sécuriser sa chaîne de livraison avec {J}",
    "Une plateforme interne avec {J}",
];
const FILLER_EN: &[&str] = &[
    "The room was packed and people were sitting on the floor near the doors.",
    "There was a long queue for coffee, as always, and the Wi-Fi gave up twice.",
    "The slides were dense but the speaker kept a good pace throughout.",
    "Questions from the audience mostly focused on cost and on-call load.",
    "I took far too many notes, so what follows is the short version.",
    "The demo worked on the first try, which earned a round of applause.",
    "Most of the numbers were shared with permission, which is rare enough to note.",
    "The recording should be online within a few weeks.",
];
const FILLER_FR: &[&str] = &[
    "La salle était pleine à craquer et certains se sont assis par terre.",
    "Comme chaque année, la file pour le café était interminable.",
    "Les slides étaient denses mais le rythme est resté agréable du début à la fin.",
    "Les questions du public ont surtout porté sur les coûts et les astreintes.",
    "J'ai pris beaucoup trop de notes, voici donc la version courte.",
    "La démo a fonctionné du premier coup, ce qui a valu quelques applaudissements.",
    "Les vidéos devraient être publiées sur la chaîne d'ici quelques semaines.",
    "On a recopié le schéma d'architecture sur notre wiki interne dès le lendemain.",
];

struct Doc<'r> {
    rng: &'r mut Rng,
    fr: bool,
    md: bool,
    out: String,
}

impl Doc<'_> {
    fn person(&mut self) -> String {
        let first = if self.fr {
            self.rng.pick(FIRST_FR)
        } else {
            self.rng.pick(FIRST_EN)
        };
        format!("{first} {}", self.rng.pick(LAST))
    }
    fn org(&mut self) -> &'static str {
        if self.rng.chance(35) {
            self.rng.pick(NEW_ORGS)
        } else {
            self.rng.pick(KNOWN_ORGS)
        }
    }
    fn title(&mut self, project: &str) -> String {
        let t = if self.fr {
            self.rng.pick(TITLE_FR)
        } else {
            self.rng.pick(TITLE_EN)
        };
        t.replace("{J}", project)
    }
    fn heading(&mut self, level: usize, text: &str) {
        if self.md {
            let _ = writeln!(self.out, "{} {text}\n", "#".repeat(level));
        } else {
            let _ = writeln!(self.out, "{text}\n");
        }
    }
    fn talk(&mut self, n: usize) {
        let speaker = self.person();
        let org = self.org();
        let j1 = self.rng.pick(PROJECTS);
        let j2 = self.rng.pick(PROJECTS);
        let title = self.title(j1);
        let fr = self.fr;
        if fr && self.rng.chance(50) {
            let _ = writeln!(
                self.out,
                "Talk {n} : {title}\nIntervenant(s) : {speaker} ({org})\n"
            );
        } else {
            self.heading(2, &title);
        }
        let mut para = String::new();
        let sentences = 5 + self.rng.below(8);
        for _ in 0..sentences {
            let s = match (fr, self.rng.below(9)) {
                (true, 0) => {
                    let role = self.rng.pick(ROLES_FR);
                    format!("{speaker}, {role} chez {org}, nous a présenté la migration vers {j1}.")
                }
                (true, 1) => format!(
                    "{speaker} a expliqué pourquoi l'équipe a choisi {j2} plutôt qu'une solution maison."
                ),
                (true, 2) => format!(
                    "{j2}, développé par {}, sert de socle à toute la plateforme.",
                    self.rng.pick(KNOWN_ORGS)
                ),
                (true, 3) => format!(
                    "Chez {org}, une trentaine de services tournent désormais sur {j1} et {j2}."
                ),
                (true, 4) => {
                    let other = self.person();
                    let o2 = self.org();
                    format!("{other} de chez {o2} a ensuite montré une démo de {j2} en direct.")
                }
                (false, 0) => {
                    let role = self.rng.pick(ROLES_EN);
                    format!(
                        "{speaker}, {role} at {org}, explained how the team moved everything to {j1}."
                    )
                }
                (false, 1) => format!(
                    "{speaker} from {org} showed how {j2} fits next to {j1} in their stack."
                ),
                (false, 2) => format!(
                    "{j2}, originally built by {}, is now the backbone of the platform.",
                    self.rng.pick(KNOWN_ORGS)
                ),
                (false, 3) => format!("At {org}, roughly forty services now run on {j1} and {j2}."),
                (false, 4) => {
                    let other = self.person();
                    let o2 = self.org();
                    format!("Later {other} of {o2} walked us through a live demo of {j2}.")
                }
                (true, _) => self.rng.pick(FILLER_FR).to_string(),
                (false, _) => self.rng.pick(FILLER_EN).to_string(),
            };
            if !para.is_empty() {
                // Hard-wrapped or one paragraph per line, like real notes.
                para.push(if self.md || self.rng.chance(70) {
                    ' '
                } else {
                    '\n'
                });
            }
            para.push_str(&s);
            if self.rng.chance(20) {
                let _ = writeln!(self.out, "{para}\n");
                para.clear();
            }
        }
        if !para.is_empty() {
            let _ = writeln!(self.out, "{para}\n");
        }
    }
}

fn document(rng: &mut Rng, index: usize) -> (String, &'static str) {
    let (event, lang) = EVENTS[rng.below(EVENTS.len())];
    let fr = lang == "fr" || rng.chance(15);
    let md = rng.chance(50);
    let year = 2019 + rng.below(6);
    let target = 5_000 + rng.below(15_000);
    let mut d = Doc {
        rng,
        fr,
        md,
        out: String::with_capacity(target + 2_000),
    };
    if md {
        let _ = writeln!(
            d.out,
            "---\ntitle: \"{event} {year}, notes #{index}\"\ndate: {year}-0{}-1{}\ntags: [conference-notes]\n---\n",
            1 + d.rng.below(9),
            d.rng.below(10)
        );
    }
    let head = if fr {
        format!("{event} {year} : nos retours")
    } else {
        format!("{event} {year}: my notes from day {}", 1 + d.rng.below(3))
    };
    d.heading(1, &head);
    let intro = if fr {
        format!(
            "Petit compte rendu de {event} {year}, journée par journée. Merci à {} pour l'accueil.",
            d.org()
        )
    } else {
        format!(
            "These are my notes from {event} {year}, roughly in the order I saw things. Thanks to {} for hosting the evening.",
            d.org()
        )
    };
    let _ = writeln!(d.out, "{intro}\n");
    if d.rng.chance(40) {
        d.heading(2, "Agenda");
        for i in 0..3 {
            let (p, o) = (d.person(), d.org());
            let j = d.rng.pick(PROJECTS);
            let t = d.title(j);
            let _ = writeln!(d.out, "- {}:{}0 — {p} ({o}), {t}", 18 + i, 3 * (i % 2));
        }
        d.out.push('\n');
    }
    let mut n = 1;
    while d.out.len() < target {
        d.talk(n);
        n += 1;
    }
    (d.out, if md { "md" } else { "txt" })
}

/// The corpus as (relative path, text) pairs, `mb` megabytes of text from `seed`; the same
/// arguments give the same documents. Used by `main` and by the criterion benches.
pub fn corpus(mb: f64, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    let budget = (mb * 1_000_000.0) as usize;
    let (mut written, mut out) = (0usize, Vec::new());
    while written < budget {
        let files = out.len();
        let (text, ext) = document(&mut rng, files);
        written += text.len();
        out.push((format!("{:04}/recap-{files:06}.{ext}", files / 1000), text));
    }
    out
}

/// The seed used unless another is given.
pub const SEED: u64 = 20_240_611;

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mb), Some(dir)) = (
        args.first().and_then(|a| a.parse::<f64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen_corpus SIZE_MB OUT_DIR [SEED]");
        std::process::exit(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(SEED);
    // Written one document at a time: a 1 GB corpus never sits in memory.
    let mut rng = Rng(seed);
    let budget = (mb * 1_000_000.0) as usize;
    let (mut written, mut files) = (0usize, 0usize);
    while written < budget {
        let (text, ext) = document(&mut rng, files);
        let path = PathBuf::from(dir).join(format!("{:04}/recap-{files:06}.{ext}", files / 1000));
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create output folder");
        std::fs::write(&path, &text).expect("write corpus file");
        written += text.len();
        files += 1;
    }
    eprintln!("gen_corpus: {files} files, {written} bytes in {dir}");
}
