// mimalloc instead of the system allocator: rendering at scale allocates and frees millions of
// small values across threads, where glibc's malloc spent about a third of the render's CPU time
// (perf, 100k-dataset synthetic model).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dsgen::cli::main()
}
