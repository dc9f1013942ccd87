//! A raw HTTP/1.1 server on 127.0.0.1 that answers from a script, including the ways a real server
//! misbehaves that a well-behaved mock server cannot: a body shorter than its `Content-Length`, a
//! body with no end, a status line with any code, any header bytes.
//!
//! Every connection serves one request and is then closed. Requests are answered with the
//! script's replies in order; once the script runs out, its last reply is repeated. A server
//! started with [`ScriptedServer::handle`] answers each request with what a function returns
//! instead; it runs on the test's runtime, so it reads the same (possibly paused) clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    length: Length,
    delay: Duration,
    /// Sends this many bytes of the body, then stalls for the duration before closing.
    stall: Option<(usize, Duration)>,
}

/// How the body's end is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    /// `Content-Length` is the body's true length.
    Exact,
    /// `Content-Length` claims this many bytes; the connection closes after the body sent.
    Claimed(u64),
    /// No `Content-Length`: the body ends when the connection closes.
    UntilClose,
    /// No `Content-Length`, and this many zero bytes are streamed (until the client hangs up).
    Endless(u64),
}

impl Reply {
    /// A reply with `status` and no body.
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            length: Length::Exact,
            delay: Duration::ZERO,
            stall: None,
        }
    }

    /// Sends the first `bytes` of the body, then nothing for `pause`, then closes the connection.
    pub fn stall_after(mut self, bytes: usize, pause: Duration) -> Self {
        self.stall = Some((bytes, pause));
        self
    }

    /// Adds a header, its value sent as these exact bytes.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.headers.push((name.to_string(), value.as_ref().to_vec()));
        self
    }

    /// A JSON body, with `Content-Type: application/json`.
    pub fn json(self, body: &serde_json::Value) -> Self {
        self.header("content-type", "application/json")
            .body(serde_json::to_vec(body).expect("JSON"))
    }

    /// The body bytes.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Claims a `Content-Length` of `length` whatever the body is, then closes the connection.
    pub fn claimed_length(mut self, length: u64) -> Self {
        self.length = Length::Claimed(length);
        self
    }

    /// No `Content-Length`: the body ends when the connection closes.
    pub fn until_close(mut self) -> Self {
        self.length = Length::UntilClose;
        self
    }

    /// Streams `bytes` zero bytes after the body, with no `Content-Length`.
    pub fn endless(mut self, bytes: u64) -> Self {
        self.length = Length::Endless(bytes);
        self
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    fn head(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} Scripted\r\nconnection: close\r\n", self.status).into_bytes();
        for (name, value) in &self.headers {
            head.extend_from_slice(name.as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value);
            head.extend_from_slice(b"\r\n");
        }
        match self.length {
            Length::Exact => head.extend_from_slice(format!("content-length: {}\r\n", self.body.len()).as_bytes()),
            Length::Claimed(length) => head.extend_from_slice(format!("content-length: {length}\r\n").as_bytes()),
            Length::UntilClose | Length::Endless(_) => {}
        }
        head.extend_from_slice(b"\r\n");
        head
    }
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    /// Header names in lower case, values as text.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The body as `application/x-www-form-urlencoded` pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        serde_urlencoded::from_bytes(&self.body).expect("a form body")
    }
}

type Handler = dyn Fn(&ReceivedRequest) -> Reply + Send + Sync;

/// A running scripted server; it stops when dropped.
pub struct ScriptedServer {
    address: std::net::SocketAddr,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts a server answering with `script` (at least one reply).
    pub async fn start(script: Vec<Reply>) -> Self {
        assert!(!script.is_empty(), "a script needs a reply");
        let next = AtomicUsize::new(0);
        Self::handle(move |_| {
            let index = next.fetch_add(1, Ordering::SeqCst);
            script[index.min(script.len() - 1)].clone()
        })
        .await
    }

    /// Starts a server answering each request with `handler`'s reply.
    pub async fn handle(handler: impl Fn(&ReceivedRequest) -> Reply + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let requests = Arc::new(AtomicUsize::new(0));
        let task = {
            let requests = Arc::clone(&requests);
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let handler = Arc::clone(&handler);
                    let requests = Arc::clone(&requests);
                    tokio::spawn(async move {
                        let _ = serve(stream, &*handler, &requests).await;
                    });
                }
            })
        };
        ScriptedServer {
            address,
            requests,
            task,
        }
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many requests arrived.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, handler: &Handler, requests: &AtomicUsize) -> std::io::Result<()> {
    let request = read_request(&mut stream).await?;
    requests.fetch_add(1, Ordering::SeqCst);
    let reply = &handler(&request);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    stream.write_all(&reply.head()).await?;
    if let Some((bytes, pause)) = reply.stall {
        stream.write_all(&reply.body[..bytes.min(reply.body.len())]).await?;
        stream.flush().await?;
        tokio::time::sleep(pause).await;
        return stream.shutdown().await;
    }
    stream.write_all(&reply.body).await?;
    if let Length::Endless(mut left) = reply.length {
        let chunk = vec![0u8; 64 * 1024];
        while left > 0 {
            let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
            stream.write_all(&chunk[..n]).await?;
            left -= n as u64;
        }
    }
    stream.flush().await?;
    stream.shutdown().await
}

/// Reads one request's head and its `Content-Length` body.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<ReceivedRequest> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..n]);
    }
    Ok(ReceivedRequest {
        method,
        target,
        headers,
        body,
    })
}

/// A server's limit of `per_second` requests in any one-second window, as a throttling server
/// keeps it: [`Self::admit`] says whether one more request fits now, and counts it if so.
#[derive(Debug, Default)]
pub struct SlidingWindow {
    admitted: std::collections::VecDeque<std::time::Instant>,
}

impl SlidingWindow {
    /// Whether a request arriving now is within `per_second`; an admitted one is counted.
    pub fn admit(&mut self, per_second: usize) -> bool {
        let now = std::time::Instant::now();
        while self
            .admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= std::time::Duration::from_secs(1))
        {
            self.admitted.pop_front();
        }
        if self.admitted.len() >= per_second {
            return false;
        }
        self.admitted.push_back(now);
        true
    }
}
