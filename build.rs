// `embed_migrations!` reads the migration folders at compile time; without this, adding a
// migration would not rebuild the binary.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=src/db/reference");
}
