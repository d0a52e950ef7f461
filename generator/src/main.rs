// mimalloc instead of the system allocator: rendering at scale allocates and frees millions of
// small values across threads, where glibc's malloc spent about a third of the render's CPU time
// (perf, 100k-dataset synthetic model). Built without its transparent-huge-page advice
// (`no_thp`): when it returned freed memory to the system, each later touch of that memory
// made the kernel zero a whole 2 MiB page, a third of `dsgen plan`'s CPU time at 100k datasets.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dsgen::cli::main()
}
