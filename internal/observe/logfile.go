package observe

import (
	"crypto/rand"
	"encoding/hex"
	"path"
	"strings"
	"time"
)

// DefaultLogInterval is how often an access log file is closed and a new one begun: one file per
// node every 5 minutes (LOG-01).
const DefaultLogInterval = 5 * time.Minute

// LogLocation names the files of one load balancer's access log the way AWS names the objects
// (LOG-01): bucket[/prefix]/AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/
// <account>_elasticloadbalancing_<region>_app.<name>.<id>_<end yyyymmddTHHMMZ>_<node-ip>_<random>.log.gz
type LogLocation struct {
	// Bucket and Prefix are access_logs.s3.bucket and access_logs.s3.prefix.
	Bucket, Prefix string
	// AccountID and Region appear in the key, e.g. 000000000000 and us-east-1.
	AccountID, Region string
	// LoadBalancer is the resource ID app/<name>/<id>.
	LoadBalancer string
	// NodeIP is the load balancer node's address; "" means 127.0.0.1.
	NodeIP string
}

// Key returns the object key (without the bucket) of the file whose period ends at end, with
// the given random suffix.
func (l LogLocation) Key(end time.Time, random string) string {
	end = end.UTC()
	node := l.nodeIP()
	name := l.AccountID + "_elasticloadbalancing_" + l.Region + "_" + strings.ReplaceAll(l.LoadBalancer, "/", ".") +
		"_" + end.Format("20060102T1504Z") + "_" + node + "_" + random + ".log.gz"
	return path.Join(strings.Trim(l.Prefix, "/"), "AWSLogs", l.AccountID, "elasticloadbalancing", l.Region,
		end.Format("2006/01/02"), name)
}

// nodeIP is NodeIP, or 127.0.0.1 when unset.
func (l LogLocation) nodeIP() string {
	if l.NodeIP == "" {
		return "127.0.0.1"
	}
	return l.NodeIP
}

// ConnectionKey is Key for the connection log, whose file names begin with "conn_log." (CLOG-01).
// The spec item writes conn_log_, but the AWS page (load-balancer-connection-logs, "Connection
// log files") names them conn_log.<account>_elasticloadbalancing_…, and the AWS page wins:
// decision in docs/observability.md.
func (l LogLocation) ConnectionKey(end time.Time, random string) string {
	dir, file := path.Split(l.Key(end, random))
	return dir + "conn_log." + file
}

// periodEnd returns the end of the logging period holding t: the next multiple of interval
// since the Unix epoch, so files of every node end on the same 5-minute marks.
func periodEnd(t time.Time, interval time.Duration) time.Time {
	return t.Truncate(interval).Add(interval)
}

// randomSuffix is the file name's random string: 8 characters of lower-case alphanumerics in
// AWS's keys; hex here.
func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
