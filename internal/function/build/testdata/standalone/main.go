// Command standalone is a function whose code directory is its own module, with no dependencies.
package main

import "fmt"

func main() {
	fmt.Println(answer())
}
