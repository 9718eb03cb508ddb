package terraform

import (
	"maps"
	"slices"
	"testing"
)

// TestSourcesNameInstances: every item built is traced to its resource block and to the
// instance's address as Terraform prints it — module and resource count indexes, for_each keys
// quoted — including a rule numbered after the others, a target from an attachment and a
// resource of a .tf.json file.
func TestSourcesNameInstances(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"main.tf": `resource "aws_lb" "main" {
  name = "main"
}

resource "aws_lb_listener" "front" {
  for_each          = { http = 8080, alt = 8081 }
  load_balancer_arn = aws_lb.main.arn
  port              = each.value
  default_action {
    type             = "forward"
    target_group_arn = module.svc[0].tg_arns[0]
  }
}

module "svc" {
  count    = 2
  source   = "./svc"
  name     = "svc-${count.index}"
  listener = aws_lb_listener.front["http"].arn
  priority = 10 + count.index
}

resource "aws_lb_listener_rule" "late" {
  listener_arn = aws_lb_listener.front["alt"].arn
  action {
    type             = "forward"
    target_group_arn = module.svc[1].tg_arns[0]
  }
  condition {
    path_pattern { values = ["/late"] }
  }
}

resource "aws_lb_target_group_attachment" "ip" {
  target_group_arn = module.svc[1].tg_arns[0]
  target_id        = "127.0.0.1"
  port             = 9000
}
`,
		"svc/main.tf": `variable "name" {}
variable "listener" {}
variable "priority" { type = number }

resource "aws_lb_target_group" "this" {
  count    = 1
  name     = var.name
  port     = 80
  protocol = "HTTP"
}

resource "aws_lb_listener_rule" "this" {
  listener_arn = var.listener
  priority     = var.priority
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[0].arn
  }
  condition {
    path_pattern { values = ["/${var.name}/*"] }
  }
}

output "tg_arns" { value = aws_lb_target_group.this[*].arn }
`,
		// In JSON every resource's header is the file's one "resource" key: its name locates it.
		"z.tf.json": `{
  "resource": {
    "aws_lb_target_group": {
      "json": { "name": "json", "target_type": "lambda" }
    }
  }
}
`})
	got := map[string]string{}
	cfg, err := Load(dir, Options{CodeDir: t.TempDir(), Source: func(cfgPath, from string) { got[cfgPath] = from }})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"load_balancers[0]":                       "main.tf:1:1 aws_lb.main",
		"load_balancers[0].listeners[0]":          `main.tf:5:1 aws_lb_listener.front["alt"]`,
		"load_balancers[0].listeners[1]":          `main.tf:5:1 aws_lb_listener.front["http"]`,
		"load_balancers[0].listeners[1].rules[0]": "svc/main.tf:12:1 module.svc[0].aws_lb_listener_rule.this",
		"load_balancers[0].listeners[1].rules[1]": "svc/main.tf:12:1 module.svc[1].aws_lb_listener_rule.this",
		"load_balancers[0].listeners[0].rules[0]": "main.tf:23:1 aws_lb_listener_rule.late",
		"target_groups[0]":                        "z.tf.json:4:7 aws_lb_target_group.json",
		"target_groups[1]":                        "svc/main.tf:5:1 module.svc[0].aws_lb_target_group.this[0]",
		"target_groups[2]":                        "svc/main.tf:5:1 module.svc[1].aws_lb_target_group.this[0]",
		"target_groups[2].targets[0]":             "main.tf:34:1 aws_lb_target_group_attachment.ip",
	}
	if !maps.Equal(got, want) {
		for _, k := range slices.Sorted(maps.Keys(got)) {
			t.Logf("%s: %s", k, got[k])
		}
		t.Errorf("sources differ from %v", want)
	}
	// The paths name what they say: the listener on 8081 holds the rule numbered late.
	l := cfg.LoadBalancers[0].Listeners
	if l[0].Port != 8081 || l[0].Rules[0].Priority != 1 || l[1].Rules[1].Priority != 11 || cfg.TargetGroups[2].Name != "svc-1" {
		t.Errorf("configuration = %+v / %+v", l, cfg.TargetGroups)
	}
}
