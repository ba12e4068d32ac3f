//! sipscope: see how Office Communicator / Lync clients find their sign-in server.

pub mod lab;
