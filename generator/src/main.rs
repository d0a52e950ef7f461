fn main() -> std::process::ExitCode {
    dsgen::cli::main()
}
