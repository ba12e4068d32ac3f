fn main() -> std::process::ExitCode {
    sipscope::cli::main()
}
