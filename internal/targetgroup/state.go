package targetgroup

// State is a target's health state as DescribeTargetHealth reports it (HC-04).
type State uint8

// Target health states (HC-04). unhealthy.draining is NLB-only and not used.
const (
	StateInitial State = iota
	StateHealthy
	StateUnhealthy
	StateUnused
	StateDraining
	StateUnavailable
)

var stateNames = [...]string{"initial", "healthy", "unhealthy", "unused", "draining", "unavailable"}

// String returns the API name of the state, e.g. "healthy".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Reason codes set by the load balancer itself (HC-04); the health package has the Target.* ones
// of failed checks.
const (
	ReasonRegistrationInProgress   = "Elb.RegistrationInProgress"
	ReasonInitialHealthChecking    = "Elb.InitialHealthChecking"
	ReasonNotRegistered            = "Target.NotRegistered"
	ReasonNotInUse                 = "Target.NotInUse"
	ReasonDeregistrationInProgress = "Target.DeregistrationInProgress"
	ReasonHealthCheckDisabled      = "Target.HealthCheckDisabled"
)

// status is one immutable health record; a Target swaps whole records so that readers (Pick)
// see a consistent state with one atomic load.
type status struct {
	state       State
	reason      string
	description string
}

var (
	statusRegistering = &status{StateInitial, ReasonRegistrationInProgress, "Target registration is in progress"}
	statusChecking    = &status{StateInitial, ReasonInitialHealthChecking, "Initial health checks in progress"}
	statusHealthy     = &status{state: StateHealthy}
	statusDisabled    = &status{StateUnavailable, ReasonHealthCheckDisabled, "Health checks are disabled"}
	statusNotInUse    = &status{StateUnused, ReasonNotInUse, "Target group is not configured to receive traffic from the load balancer"}
	statusDraining    = &status{StateDraining, ReasonDeregistrationInProgress, "Target deregistration is in progress"}
	statusGone        = &status{StateUnused, ReasonNotRegistered, "Target is not registered to the target group"}
)

// routable reports whether a target in state s may get new requests at all: draining and unused
// targets never do (ALG-04, HC-06).
func routable(s State) bool { return s != StateDraining && s != StateUnused }

// healthyState reports whether s counts as healthy for routing. A target whose checks are
// disabled (a Lambda target by default, HC-04 "unavailable") is not judged, so it is served.
func healthyState(s State) bool { return s == StateHealthy || s == StateUnavailable }

// TargetHealth is one target's health as DescribeTargetHealth reports it (HC-04).
type TargetHealth struct {
	// ID is the registered id (an IP address, or a function name for Lambda target groups).
	ID string
	// Port is the target's port (0 for Lambda targets).
	Port int
	// State is the health state.
	State State
	// Reason is the reason code ("" when healthy), Description its human text.
	Reason, Description string
}
