#!/usr/bin/env node
// A committed launcher, so package managers can link the binary before the
// first build; the CLI itself is built into dist/.
import "../dist/bin.js";
