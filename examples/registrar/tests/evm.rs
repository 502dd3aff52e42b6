//! The registrar with its DID anchored on an EVM chain (`init --rpc-url`):
//! a real anvil node on 127.0.0.1 with the ERC-1056 registry deployed from
//! the `ethr-did-registry` npm artifact (`scripts/test-tools.sh` installs
//! both; without them this test fails and says so).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_registrar");
/// anvil's first dev account (funded, unlocked): it deploys and pays.
const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_ADDRESS: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const CHAIN_ID: u64 = 31337;

fn workspace_tool(env: &str, relative: &str) -> PathBuf {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative));
    assert!(
        path.is_file(),
        "{} not found: run scripts/test-tools.sh from the workspace root (or set {env})",
        path.display()
    );
    path
}

struct Anvil {
    child: Child,
    url: String,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_anvil() -> Anvil {
    let binary = workspace_tool(
        "XINLIAN_ANVIL",
        ".tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil",
    );
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(binary)
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--chain-id",
            &CHAIN_ID.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let anvil = Anvil {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return anvil;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("anvil did not listen on {port}");
}

async fn rpc(url: &str, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let reply: Value = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(reply.get("error").is_none(), "{method}: {reply}");
    reply["result"].clone()
}

/// Deploys the registry from anvil's unlocked dev account; returns its address.
async fn deploy_registry(url: &str) -> String {
    let artifact = workspace_tool(
        "XINLIAN_ERC1056_ARTIFACT",
        ".tools/node_modules/ethr-did-registry/dist/artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json",
    );
    let artifact: Value = serde_json::from_str(&std::fs::read_to_string(artifact).unwrap()).unwrap();
    let bytecode = artifact["bytecode"].as_str().unwrap();
    let tx = rpc(
        url,
        "eth_sendTransaction",
        json!([{"from": DEV_ADDRESS, "data": bytecode, "gas": "0x500000"}]),
    )
    .await;
    for _ in 0..100 {
        let receipt = rpc(url, "eth_getTransactionReceipt", json!([tx])).await;
        if let Some(address) = receipt.get("contractAddress").and_then(Value::as_str) {
            return address.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the registry deployment was not mined");
}

fn registrar(home: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("--home")
        .arg(home)
        .args(args)
        .env_remove("XINLIAN_HOME")
        .env_remove("XINLIAN_PASSPHRASE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(home: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = registrar(home, args);
    assert_eq!(code, 0, "registrar {args:?}\nstdout: {stdout}\nstderr: {stderr}");
    stdout
}

fn issue(home: &Path, student: &str, out: &Path) {
    ok(
        home,
        &[
            "issue",
            "diploma",
            "--student-id",
            student,
            "--name",
            "Li Wei",
            "--degree",
            "Bachelor of Science",
            "--major",
            "Physics",
            "--graduated",
            "2026-06-30",
            "-o",
            out.to_str().unwrap(),
        ],
    );
}

#[test]
fn an_institution_on_an_evm_chain_issues_rotates_and_revokes() {
    let anvil = start_anvil();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let registry = runtime.block_on(deploy_registry(&anvil.url));
    let dir = tempfile::tempdir().unwrap();
    let payer = dir.path().join("payer.hex");
    std::fs::write(&payer, DEV_KEY).unwrap();
    let home = dir.path().join("home");

    let profile: Value = serde_json::from_str(&ok(
        &home,
        &[
            "init",
            "--name",
            "Chain University",
            "--rpc-url",
            &anvil.url,
            "--registry",
            &registry,
            "--chain-id",
            &CHAIN_ID.to_string(),
            "--payer-key",
            payer.to_str().unwrap(),
            "--json",
        ],
    ))
    .unwrap();
    let did = profile["did"].as_str().unwrap().to_owned();
    assert!(did.starts_with("did:ethr:0x7a69:0x"), "{did}");
    // The key was published on the chain: the owner's change is in the registry's history.
    let resolved = ok(&home, &["resolve", &did, "--json"]);
    assert!(
        resolved.contains("Ed25519VerificationKey2018") || resolved.contains("#delegate-1"),
        "{resolved}"
    );

    let before = dir.path().join("before.json");
    issue(&home, "s-1", &before);
    assert_eq!(registrar(&home, &["verify", before.to_str().unwrap()]).0, 0);

    ok(&home, &["rotate-key"]);
    let after = dir.path().join("after.json");
    issue(&home, "s-2", &after);
    for file in [&before, &after] {
        let (code, stdout, stderr) = registrar(&home, &["verify", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{stdout}{stderr}");
    }

    ok(&home, &["revoke", before.to_str().unwrap()]);
    let (code, stdout, _) = registrar(&home, &["verify", "--json", before.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("revoked"), "{stdout}");

    // A wrong chain id is refused before anything is written to the chain.
    let other = dir.path().join("other");
    let (code, _, stderr) = registrar(
        &other,
        &[
            "init",
            "--name",
            "X",
            "--rpc-url",
            &anvil.url,
            "--registry",
            &registry,
            "--chain-id",
            "1",
            "--payer-key",
            payer.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("chain"), "{stderr}");
}
