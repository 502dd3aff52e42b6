//! Test support for the EVM ledger: a local anvil node that the test starts
//! on a free loopback port and kills when dropped, and the ERC-1056
//! registry deployed on it from the `ethr-did-registry` npm artifact.
//!
//! The tools come from `XINLIAN_ANVIL` (the anvil binary) and
//! `XINLIAN_ERC1056_ARTIFACT` (`EthereumDIDRegistry.json`), or from
//! `<workspace>/.tools`, where `scripts/test-tools.sh` installs them. A
//! test that cannot find them fails and says how to install them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use k256::ecdsa::SigningKey;
use serde_json::{Value, json};
use xinlian_resolver::ledger::Address;

const INSTALL: &str = "run scripts/test-tools.sh from the workspace root (it installs anvil and the ERC-1056 \
                       registry artifact from npm into .tools), or set XINLIAN_ANVIL and XINLIAN_ERC1056_ARTIFACT";

fn tool(env: &str, relative: &str) -> PathBuf {
    let path = match std::env::var_os(env) {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(relative),
    };
    if !path.is_file() {
        panic!("{env}: {} does not exist: {INSTALL}", path.display());
    }
    path
}

/// The anvil binary.
pub fn anvil_binary() -> PathBuf {
    tool(
        "XINLIAN_ANVIL",
        ".tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil",
    )
}

/// The registry's creation bytecode, from the npm artifact.
pub fn registry_bytecode() -> String {
    let path = tool(
        "XINLIAN_ERC1056_ARTIFACT",
        ".tools/node_modules/ethr-did-registry/dist/artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json",
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let artifact: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bytecode = artifact["bytecode"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no \"bytecode\" string", path.display()));
    assert!(
        bytecode.starts_with("0x") && bytecode.len() > 2,
        "{}: empty bytecode",
        path.display()
    );
    bytecode.to_owned()
}

/// anvil's well-known development keys (mnemonic `test test … junk`); the
/// accounts hold 10000 ETH each.
pub const DEV_KEYS: [&str; 4] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

/// Development key `i`.
pub fn dev_key(i: usize) -> SigningKey {
    SigningKey::from_slice(&hex::decode(DEV_KEYS[i]).unwrap()).unwrap()
}

/// A key made from one repeated byte (identities that hold no ETH).
pub fn key(byte: u8) -> SigningKey {
    SigningKey::from_slice(&[byte; 32]).unwrap()
}

/// A running anvil node on `127.0.0.1`, killed (and reaped) on drop.
pub struct Anvil {
    child: Child,
    url: String,
    chain_id: u64,
    stderr: Arc<Mutex<String>>,
}

impl Anvil {
    /// Starts anvil with chain id `chain_id` on a port the OS picks, and
    /// waits until it listens.
    pub fn start(chain_id: u64) -> Anvil {
        Anvil::start_with(chain_id, &[])
    }

    /// [`start`](Anvil::start) with extra anvil arguments.
    pub fn start_with(chain_id: u64, args: &[&str]) -> Anvil {
        let binary = anvil_binary();
        let mut child = Command::new(&binary)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--chain-id",
                &chain_id.to_string(),
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL}", binary.display()));
        // Drain both pipes for the node's whole life: anvil logs every
        // request, and a full pipe would block it.
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(mut pipe) = child.stderr.take() {
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    let mut s = stderr.lock().unwrap();
                    if s.len() < 64 * 1024 {
                        s.push_str(&String::from_utf8_lossy(&buffer[..n]));
                    }
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(address) = line.trim().strip_prefix("Listening on ") {
                    sent = tx.send(address.to_owned()).is_ok();
                }
            }
        });
        let address = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(address) => address,
            Err(_) => {
                let _ = child.kill();
                let status = child.wait();
                panic!(
                    "anvil ({}) did not start listening within 30 s (exit: {status:?}); stderr:\n{}",
                    binary.display(),
                    stderr.lock().unwrap()
                );
            }
        };
        Anvil {
            child,
            url: format!("http://{address}"),
            chain_id,
            stderr,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The chain id it was started with.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// A raw JSON-RPC call (for anvil's own methods); panics on an error
    /// answer.
    pub async fn rpc(&self, method: &str, params: Value) -> Value {
        rpc(&self.url, method, params).await
    }

    /// Deploys the ERC-1056 registry from the npm artifact, from dev
    /// account 0 (unlocked in anvil), and returns its address.
    pub async fn deploy_registry(&self) -> Address {
        let from = Address::from_signing_key(&dev_key(0)).to_lower_hex();
        let hash = self
            .rpc(
                "eth_sendTransaction",
                json!([{ "from": from, "data": registry_bytecode(), "gas": "0x2dc6c0" }]),
            )
            .await;
        // anvil mines at once, but may answer before the receipt is stored.
        let mut receipt = Value::Null;
        for _ in 0..200 {
            receipt = self.rpc("eth_getTransactionReceipt", json!([hash])).await;
            if !receipt.is_null() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(receipt["status"], "0x1", "registry deployment failed: {receipt}");
        receipt["contractAddress"]
            .as_str()
            .expect("a contract address in the receipt")
            .parse()
            .unwrap()
    }

    /// The next block's timestamp (`evm_setNextBlockTimestamp`).
    pub async fn set_next_block_timestamp(&self, timestamp: u64) {
        self.rpc("evm_setNextBlockTimestamp", json!([timestamp])).await;
    }

    /// Mines `n` empty blocks.
    pub async fn mine(&self, n: u64) {
        self.rpc("anvil_mine", json!([format!("{n:#x}")])).await;
    }

    /// What anvil wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw JSON-RPC call over HTTP; panics on a transport error or an error
/// answer, and returns `result`.
pub async fn rpc(url: &str, method: &str, params: Value) -> Value {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} to {url}: {e}"));
    let bytes = response
        .bytes()
        .await
        .unwrap_or_else(|e| panic!("{method} to {url}: {e}"));
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{method}: {e}"));
    if let Some(error) = answer.get("error") {
        panic!("{method} to {url} failed: {error}");
    }
    answer["result"].clone()
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
