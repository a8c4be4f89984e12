//! How WebKitGTK paints, chosen before the first window exists.

/// Without a GPU (no /dev/dri: VMs, remote desktops, Xvfb) WebKitGTK would paint through
/// Mesa's software OpenGL, which costs ~95 MB and seconds of CPU at start for nothing;
/// its own CPU renderer is the better path there. A value the user set is kept.
pub fn prefer_cpu_rendering_without_gpu() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_SKIA_ENABLE_CPU_RENDERING").is_none() && !std::path::Path::new("/dev/dri").exists() {
        // Called first thing in main, before any thread that could read the environment.
        std::env::set_var("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
    }
}
