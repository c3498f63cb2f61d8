//! What every component that talks to another system shares: the rustls
//! client configuration and HTTP client builder ([`tls`]), secrets by name
//! ([`secrets`]), and strict minijinja templates ([`template`]).

pub mod secrets;
pub mod template;
pub mod tls;
