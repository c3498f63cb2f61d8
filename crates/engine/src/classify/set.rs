//! Every classifier a deployment runs, applied together to one request.

use super::{Classification, Classifier, REQUEST_TYPE};

/// The request-type classifier first, then the others in name order.
#[derive(Debug)]
pub struct Classifiers {
    all: Vec<Classifier>,
}

impl Classifiers {
    /// `request_type` must be the request-type classifier; `others` may be empty.
    pub fn new(request_type: Classifier, others: Vec<Classifier>) -> Classifiers {
        let mut all = vec![request_type];
        all.extend(others.into_iter().filter(|c| c.name() != REQUEST_TYPE));
        Classifiers { all }
    }

    pub fn request_type(&self) -> &Classifier {
        &self.all[0]
    }

    pub fn get(&self, name: &str) -> Option<&Classifier> {
        self.all.iter().find(|c| c.name() == name)
    }

    /// Takes one classifier out of the set.
    pub fn take(&mut self, name: &str) -> Option<Classifier> {
        let i = self.all.iter().position(|c| c.name() == name)?;
        Some(self.all.swap_remove(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Classifier> {
        self.all.iter()
    }

    /// Every classifier's decision; the text is normalised once.
    pub fn classify_all(&self, subject: &str, body: &str) -> Vec<Classification> {
        let text = self.request_type().normalizer().normalize(subject, body);
        self.all.iter().map(|c| c.classify_normalized(&text)).collect()
    }
}
