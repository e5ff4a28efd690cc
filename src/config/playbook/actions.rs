//! Names of the container and service actions: takes an action or its YAML spelling; gives the
//! other. The same words are the `docker` and `systemctl` subcommands.

use super::model::{ContainerAction, ServiceAction};

impl ContainerAction {
    pub const ALL: [ContainerAction; 3] = [
        ContainerAction::Start,
        ContainerAction::Restart,
        ContainerAction::Stop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContainerAction::Start => "start",
            ContainerAction::Restart => "restart",
            ContainerAction::Stop => "stop",
        }
    }

    pub fn parse(text: &str) -> Option<ContainerAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

impl ServiceAction {
    pub const ALL: [ServiceAction; 3] = [
        ServiceAction::Start,
        ServiceAction::Restart,
        ServiceAction::Reload,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceAction::Start => "start",
            ServiceAction::Restart => "restart",
            ServiceAction::Reload => "reload",
        }
    }

    pub fn parse(text: &str) -> Option<ServiceAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}
