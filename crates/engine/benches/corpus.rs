//! A seeded generator of realistic MSSP request emails, for the benchmarks.
#![allow(dead_code)]

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
    pub fn hex(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(b"0123456789abcdef"[(self.next_u64() % 16) as usize])).collect()
    }
}

const OPENERS: &[&str] = &["Hello team,", "Hi all,", "Dear customer SOC,", "Good morning,", "Hallo zusammen,", "Bonjour,", "Hola equipo,"];
const ASKS: &[&str] = &[
    "Could you please tell us who owns {host} and whether it is still in use?",
    "We observed outbound connections from {ip} to {domain} between 02:00 and 03:15 UTC. Did this IP hit your firewall last month?",
    "Is the file with SHA256 {sha256} present on any endpoint? It was flagged by our EDR correlation.",
    "The user {account} authenticated from {ip} which is unusual. Can you confirm the department and manager?",
    "A phishing campaign used hxxps://{domain}/login?session={hex8} and the sender {email}; did anyone click?",
    "Please check whether {domain} or {url} appear in your proxy logs for the whole of February 2026.",
    "Related to {cve}, can you confirm the patch level of {host}? MD5 of the dropped file: {md5}.",
    "Kindly verify MAC {mac} and the DHCP lease for {ip}.",
];
const FILLER: &[&str] = &[
    "This is related to ticket INC-20431 opened yesterday by our analysts.",
    "Our correlation rule fired three times in the last 24 hours and we would like to close the loop.",
    "If you need more context, reply to this email and keep the reference in the subject line.",
    "Please note that this information is confidential and intended for the security team only.",
    "We appreciate your quick response; the SLA for this priority is four business hours.",
    "The alert severity is medium, and we have not observed lateral movement so far.",
];
const SIGNATURE: &str = "\n--\nSOC Analyst | Managed Detection & Response\nmssp.example.net | +44 20 7946 0000\nThis email and any attachments are confidential. If you received it in error, delete it.\n";

pub fn body(rng: &mut Rng) -> String {
    let mut out = String::new();
    out.push_str(rng.pick(OPENERS));
    out.push_str("\n\n");
    for _ in 0..(2 + rng.next_u64() % 3) {
        let ask = rng.pick(ASKS);
        let ip = format!("{}.{}.{}.{}", 198, 51, 100 + rng.next_u64() % 3, rng.next_u64() % 255);
        let host = format!("WKS-{}-{:03}", rng.pick(&["FIN", "HR", "OPS", "DEV"]), rng.next_u64() % 999);
        let domain = format!("{}{}.{}", rng.pick(&["secure-", "login-", "cdn-", "update-"]), rng.hex(6), rng.pick(&["com", "net", "org", "info"]));
        let text = ask
            .replace("{host}", &host)
            .replace("{ip}", &ip)
            .replace("{domain}", &domain.replace('.', "[.]"))
            .replace("{url}", &format!("hxxp://{domain}/dl/{}.zip", rng.hex(6)))
            .replace("{sha256}", &rng.hex(64))
            .replace("{md5}", &rng.hex(32))
            .replace("{hex8}", &rng.hex(8))
            .replace("{email}", &format!("billing@{domain}"))
            .replace("{account}", &format!("CORP\\user{}", rng.next_u64() % 500))
            .replace("{cve}", &format!("CVE-2025-{}", 1000 + rng.next_u64() % 9000))
            .replace("{mac}", &format!("00:1a:2b:{}:{}:{}", rng.hex(2), rng.hex(2), rng.hex(2)));
        out.push_str(&text);
        out.push(' ');
        for _ in 0..(3 + rng.next_u64() % 5) {
            out.push_str(rng.pick(FILLER));
            out.push(' ');
        }
        out.push_str("\n\n");
    }
    out.push_str(SIGNATURE);
    out
}

pub fn email(rng: &mut Rng, n: usize) -> Vec<u8> {
    let body = body(rng);
    format!(
        "From: SOC Analyst <analyst@mssp.example.net>\r\nTo: mssp-requests@corp.example\r\nSubject: Request {n}: please check\r\n\
         Message-ID: <bench-{n}-{}@mssp.example.net>\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
        rng.hex(8),
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}

/// About `bytes` of email bodies joined together.
pub fn text_corpus(seed: u64, bytes: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 4096);
    while out.len() < bytes {
        out.push_str(&body(&mut rng));
        out.push_str("\n\n");
    }
    out
}
