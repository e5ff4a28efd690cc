//! Rules against the playbook library: takes the loaded rules and playbooks; gives every rule
//! whose fix could not run: the playbook does not exist, does not declare a parameter the rule
//! gives, or requires one the rule leaves out. For `medic check`, once both are loaded.

use crate::config::playbook::Playbook;
use crate::config::yaml::Diagnostic;

use super::model::Rule;
use crate::config::yaml::suggest;

/// Every problem between the rules' fixes and the playbooks, in rule order.
pub fn check_playbooks(rules: &[Rule], playbooks: &[Playbook]) -> Vec<Diagnostic> {
    let names: Vec<&str> = playbooks.iter().map(|p| p.name.as_str()).collect();
    let mut problems = Vec::new();
    for rule in rules {
        let Some(wanted) = &rule.playbook else {
            continue;
        };
        let at = rule
            .locations
            .playbook
            .as_ref()
            .unwrap_or(&rule.locations.rule);
        let Some(playbook) = playbooks.iter().find(|p| &p.name == wanted) else {
            let hint = suggest::hint(wanted, &names);
            problems.push(Diagnostic {
                location: at.clone(),
                message: format!("unknown playbook `{wanted}` ({hint})"),
            });
            continue;
        };
        let declared: Vec<&str> = playbook.params.keys().map(String::as_str).collect();
        for name in rule.params.keys() {
            if playbook.params.contains_key(name) {
                continue;
            }
            let hint = if declared.is_empty() {
                format!("playbook `{wanted}` declares no `params`")
            } else {
                suggest::hint(name, &declared)
            };
            problems.push(Diagnostic {
                location: rule.locations.params.get(name).unwrap_or(at).clone(),
                message: format!("playbook `{wanted}` has no parameter `{name}` ({hint})"),
            });
        }
        for (name, default) in &playbook.params {
            if default.is_none() && !rule.params.contains_key(name) {
                problems.push(Diagnostic {
                    location: at.clone(),
                    message: format!(
                        "playbook `{wanted}` requires parameter `{name}`; give it under `params`"
                    ),
                });
            }
        }
    }
    problems
}
