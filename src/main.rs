// The linter clones and drops whole schemas per migration (the schema
// before it, and a copy to replay its down on); mimalloc makes those
// allocations markedly cheaper than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    turquoise::cli::main()
}
