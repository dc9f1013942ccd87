//! A Microsoft Graph partner billing export served from 127.0.0.1 for the benches: the export's
//! start, its operation, its manifest and one gzip JSON Lines file of usage line items, either
//! held whole or gzipped as it is sent.

use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const SAS: &str = "sv=2024-05-04&sr=d&sp=rl&sig=bench";

/// The export's file.
#[derive(Clone)]
pub enum File {
    /// These bytes (gzip), with a `Content-Length`.
    Whole(Arc<Vec<u8>>),
    /// Lines gzipped as they are sent (no `Content-Length`), until this many uncompressed bytes.
    Bytes(u64),
    /// The same, until this many lines.
    Lines(u64),
}

/// Line `i`: a usage line item of the documented shape.
pub fn line(i: usize) -> String {
    json!({
        "PartnerId": "0e195b37-4574-4539-bc42-0e539b9684c0", "PartnerName": "Contoso Reseller",
        "CustomerId": format!("7c1e{i:08}-0000-4000-8000-000000000000"), "CustomerName": "Fabrikam",
        "CustomerDomainName": "fabrikam.onmicrosoft.com", "CustomerCountry": "US", "InvoiceNumber": "G016907411",
        "MpnId": "1234567", "ProductId": "DZH318Z0BNZ5", "SkuId": "006G", "AvailabilityId": "DZH318Z08B80",
        "SkuName": "Standard", "ProductName": "Azure Virtual Machines", "PublisherName": "Microsoft",
        "SubscriptionId": "a1b2c3d4-0000-4000-8000-000000000001", "ChargeStartDate": "2026-11-01T00:00:00Z",
        "ChargeEndDate": "2026-11-30T23:59:59Z", "UsageDate": "2026-11-17T00:00:00Z", "MeterCategory": "Virtual Machines",
        "MeterId": "6b3f1d2e-0000-4000-8000-000000000002", "MeterName": "D2s v3", "MeterRegion": "US East",
        "Unit": "1 Hour", "ChargeType": "new", "UnitPrice": 0.096, "Quantity": (i % 24) as f64 + 0.5,
        "UnitType": "1 Hour", "BillingPreTaxTotal": 1.2345 + (i % 97) as f64, "BillingCurrency": "USD",
        "PricingPreTaxTotal": 1.2345, "PricingCurrency": "USD", "EffectiveUnitPrice": 0.0912,
        "PCToBCExchangeRate": 1, "EntitlementId": "a1b2c3d4-0000-4000-8000-000000000001",
        "ResourceURI": format!("/subscriptions/a1b2/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm{i}"),
        "Tags": "{\"env\":\"prod\"}", "AdditionalInfo": "{\"ImageType\":\"Canonical\"}"
    })
    .to_string()
}

pub fn gzip_file(lines: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..lines {
        encoder.write_all(line(i).as_bytes()).unwrap();
        encoder.write_all(b"\n").unwrap();
    }
    encoder.finish().unwrap()
}

/// Serves the whole export flow on `listener`, with `file` as the export's one file.
pub async fn serve(listener: TcpListener, file: File) {
    let base = format!("http://{}", listener.local_addr().unwrap());
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            return;
        };
        let (base, file) = (base.clone(), file.clone());
        tokio::spawn(async move {
            let _ = answer(socket, &base, file).await;
        });
    }
}

async fn answer(mut socket: TcpStream, base: &str, file: File) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let target = head.split(' ').nth(1).unwrap_or_default().to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    socket.read_exact(&mut body).await?;
    let json = |value: Value| {
        let text = value.to_string();
        format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{text}",
            text.len()
        )
    };
    let path = target.split('?').next().unwrap_or_default();
    let reply = match path {
        "/reports/partners/billing/usage/billed/export" => format!(
            "HTTP/1.1 202 Accepted\r\nconnection: close\r\nlocation: {base}/reports/partners/billing/operations/1\r\ncontent-length: 0\r\n\r\n"
        ),
        "/reports/partners/billing/operations/1" => json(json!({
            "status": "succeeded",
            "resourceLocation@odata.navigationLink": format!("{base}/reports/partners/billing/manifests/1"),
        })),
        "/reports/partners/billing/manifests/1" => json(manifest(base)),
        "/store/part-00000.json.gz" => {
            match file {
                File::Whole(file) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
                        file.len()
                    );
                    socket.write_all(head.as_bytes()).await?;
                    socket.write_all(&file).await?;
                }
                File::Bytes(limit) => {
                    socket
                        .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n")
                        .await?;
                    stream_export_file(&mut socket, |bytes, _| bytes >= limit).await?;
                }
                File::Lines(limit) => {
                    socket
                        .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n")
                        .await?;
                    stream_export_file(&mut socket, |_, lines| lines >= limit).await?;
                }
            }
            return socket.shutdown().await;
        }
        _ => "HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n".to_string(),
    };
    socket.write_all(reply.as_bytes()).await?;
    socket.shutdown().await
}

/// Gzips lines as they are written to the socket, until `done(uncompressed bytes, lines)`.
async fn stream_export_file(socket: &mut TcpStream, done: impl Fn(u64, u64) -> bool) -> std::io::Result<()> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut written = 0u64;
    let mut i = 0;
    while !done(written, i as u64) {
        let text = line(i);
        encoder.write_all(text.as_bytes())?;
        encoder.write_all(b"\n")?;
        written += text.len() as u64 + 1;
        i += 1;
        if encoder.get_ref().len() >= 256 << 10 {
            socket.write_all(encoder.get_ref()).await?;
            encoder.get_mut().clear();
        }
    }
    let rest = encoder.finish()?;
    socket.write_all(&rest).await
}

pub fn manifest(base: &str) -> Value {
    json!({
        "id": "1", "blobCount": 1, "dataFormat": "compressedJSONLines",
        "rootDirectory": format!("{base}/store"), "sasToken": SAS,
        "blobs": [{"name": "part-00000.json.gz", "partitionValue": "default"}],
    })
}
