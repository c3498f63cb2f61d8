//! Files read once and read again only when they change: playbooks and
//! report templates. Each `get` compares the watched paths' sizes and
//! modification times (a few `stat` calls) with those of the last load.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// What was on disk at one load: per path (and per entry of a folder), its
/// size and modification time; missing paths count too.
type Fingerprint = Vec<(PathBuf, Option<(u64, SystemTime)>)>;

fn fingerprint(paths: &[PathBuf]) -> Fingerprint {
    let mut out = Vec::new();
    for p in paths {
        let stat = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
        out.push((p.clone(), stat(p)));
        if let Ok(entries) = std::fs::read_dir(p) {
            let mut inner: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).map(|e| (e.clone(), stat(&e))).collect();
            inner.sort_by(|a, b| a.0.cmp(&b.0));
            out.extend(inner);
        }
    }
    out
}

type Loader<T, E> = Box<dyn Fn() -> Result<T, E> + Send + Sync>;

/// A value loaded from files, reloaded when they change.
pub struct Reloading<T, E> {
    watched: Vec<PathBuf>,
    load: Loader<T, E>,
    cached: Mutex<Option<(Fingerprint, Arc<T>)>>,
}

impl<T, E> Reloading<T, E> {
    /// Watches `watched` (files or folders, one level deep) and loads with `load`.
    pub fn new(watched: Vec<PathBuf>, load: impl Fn() -> Result<T, E> + Send + Sync + 'static) -> Reloading<T, E> {
        Reloading { watched, load: Box::new(load), cached: Mutex::new(None) }
    }

    /// The value as the files are now: the cached one unless they changed.
    /// A failed load is returned as the error and tried again next time.
    pub fn get(&self) -> Result<Arc<T>, E> {
        let now = fingerprint(&self.watched);
        let mut cached = self.cached.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((seen, value)) = cached.as_ref()
            && *seen == now
        {
            return Ok(value.clone());
        }
        let value = Arc::new((self.load)()?);
        *cached = Some((now, value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn loads_once_and_again_after_a_change() {
        let dir = std::env::temp_dir().join(format!("drawbridge-reload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("a.yaml");
        std::fs::write(&file, "one").expect("write");
        let loads = Arc::new(AtomicUsize::new(0));
        let counter = loads.clone();
        let path = file.clone();
        let r: Reloading<String, std::io::Error> = Reloading::new(vec![dir.clone()], move || {
            counter.fetch_add(1, Ordering::SeqCst);
            std::fs::read_to_string(&path)
        });
        assert_eq!(*r.get().expect("load"), "one");
        assert_eq!(*r.get().expect("cached"), "one");
        assert_eq!(loads.load(Ordering::SeqCst), 1, "an unchanged folder is not read again");
        std::fs::write(&file, "two, longer").expect("rewrite");
        assert_eq!(*r.get().expect("reload"), "two, longer");
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        std::fs::write(dir.join("b.yaml"), "x").expect("new file");
        r.get().expect("reload");
        assert_eq!(loads.load(Ordering::SeqCst), 3, "a new file in the folder reloads");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
