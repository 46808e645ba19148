// Decide from Go through the C API with cgo; pkg-config finds libverdict.
// docs/embedding.md shows this file; scripts/test.sh builds and runs it:
//
//	PKG_CONFIG_PATH=/opt/verdict/lib/pkgconfig go run main.go fixtures/org
package main

/*
#cgo pkg-config: verdict
#include <stdlib.h>
#include <verdict/c_api.h>
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"unsafe"
)

func main() {
	dir := "fixtures/org"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	cdir := C.CString(dir)
	defer C.free(unsafe.Pointer(cdir))
	var cerr *C.char
	engine := C.verdict_engine_open(cdir, &cerr)
	if engine == nil {
		fmt.Fprintln(os.Stderr, "verdict:", C.GoString(cerr))
		C.verdict_free(unsafe.Pointer(cerr))
		os.Exit(2)
	}
	defer C.verdict_engine_close(engine)

	context := `{"id": "go-1", "policyTypes": ["OKTA_SIGN_ON"],
		"user": {"id": "00uMia000000000000g7", "groups": ["00gLegacyApps00000g7"]},
		"ip": "192.0.2.99"}`
	ccontext := C.CString(context)
	defer C.free(unsafe.Pointer(ccontext))
	out := C.verdict_evaluate_json(engine, ccontext, C.size_t(len(context)))
	lines := C.GoString(out)
	C.verdict_free(unsafe.Pointer(out))
	fmt.Print(lines)
	if !strings.Contains(lines, `"outcome": "ALLOW"`) {
		os.Exit(1)
	}
}
