//! `secret set | delete | check`: secrets in the OS keyring.

use anyhow::{Context, Result, ensure};
use clap::Subcommand;
use drawbridge_engine::secrets;

#[derive(Subcommand)]
pub enum SecretCommand {
    /// Store a secret: the value is read from standard input (first line).
    Set { name: String },
    /// Remove a secret from the keyring.
    Delete { name: String },
    /// Whether a secret resolves (env, keyring or secrets file); never prints it.
    Check { name: String },
}

pub fn run(cmd: SecretCommand) -> Result<()> {
    match cmd {
        SecretCommand::Set { name } => {
            let mut value = String::new();
            std::io::stdin().read_line(&mut value).context("cannot read the secret from standard input")?;
            let value = value.trim_end_matches(['\r', '\n']);
            ensure!(!value.is_empty(), "empty secret on standard input");
            secrets::store_in_keyring(&name, value)?;
            eprintln!("stored secret {name:?} in the OS keyring");
        }
        SecretCommand::Delete { name } => secrets::delete_from_keyring(&name)?,
        SecretCommand::Check { name } => {
            secrets::resolve(&name)?;
            eprintln!("secret {name:?} resolves");
        }
    }
    Ok(())
}
