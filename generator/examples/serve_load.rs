//! A small HTTP/1.1 load client for `scripts/bench serve`: C keep-alive connections to a
//! loopback `dsgen serve`, each sending one request after the other for D seconds; prints
//! requests/s, p50/p99/max latency and the error count (any status but 200, or an I/O error).
//!
//! Usage: serve_load ADDR CONNECTIONS SECONDS METHOD PATH [BODY]
//!        (ADDR must be a loopback address)

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Outcome {
    latencies_us: Vec<u64>,
    errors: u64,
}

async fn connection(addr: SocketAddr, request: Vec<u8>, until: Instant) -> Outcome {
    let mut out = Outcome {
        latencies_us: Vec::new(),
        errors: 0,
    };
    let mut stream: Option<BufReader<TcpStream>> = None;
    while Instant::now() < until {
        if stream.is_none() {
            match TcpStream::connect(addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    stream = Some(BufReader::new(s));
                }
                Err(_) => {
                    out.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = stream.as_mut() else { continue };
        let start = Instant::now();
        match exchange(s, &request).await {
            Ok(200) => out.latencies_us.push(start.elapsed().as_micros() as u64),
            Ok(_) => out.errors += 1,
            Err(_) => {
                out.errors += 1;
                stream = None;
            }
        }
    }
    out
}

/// Send one request and read one response; its status.
async fn exchange(s: &mut BufReader<TcpStream>, request: &[u8]) -> std::io::Result<u16> {
    s.get_mut().write_all(request).await?;
    let mut line = String::new();
    s.read_line(&mut line).await?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line `{line}`")))?;
    let mut length: Option<usize> = None;
    loop {
        line.clear();
        if s.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().ok();
            }
        }
    }
    let length = length.ok_or_else(|| std::io::Error::other("no content-length"))?;
    let mut body = vec![0u8; length];
    s.read_exact(&mut body).await?;
    Ok(status)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        return Err("usage: serve_load ADDR CONNECTIONS SECONDS METHOD PATH [BODY]".into());
    }
    let addr: SocketAddr = args[0].parse()?;
    if !addr.ip().is_loopback() {
        return Err("serve_load only targets loopback addresses".into());
    }
    let connections: usize = args[1].parse()?;
    let seconds: u64 = args[2].parse()?;
    let (method, path) = (&args[3], &args[4]);
    let body = args.get(5).cloned().unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let outcomes: Vec<Outcome> = runtime.block_on(async {
        let tasks: Vec<_> = (0..connections)
            .map(|_| tokio::spawn(connection(addr, request.clone(), until)))
            .collect();
        let mut v = Vec::new();
        for t in tasks {
            if let Ok(o) = t.await {
                v.push(o);
            }
        }
        v
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat: Vec<u64> = outcomes
        .iter()
        .flat_map(|o| o.latencies_us.iter().copied())
        .collect();
    let errors: u64 = outcomes.iter().map(|o| o.errors).sum();
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return f64::NAN;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i] as f64 / 1000.0
    };
    println!(
        "requests {} errors {} rps {:.0} p50_ms {:.3} p99_ms {:.3} max_ms {:.3}",
        lat.len(),
        errors,
        lat.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        lat.last().map_or(f64::NAN, |m| *m as f64 / 1000.0)
    );
    Ok(())
}
