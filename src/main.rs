fn main() -> std::process::ExitCode {
    turquoise::cli::main()
}
