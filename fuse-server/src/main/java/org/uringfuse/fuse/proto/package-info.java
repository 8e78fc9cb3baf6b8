/**
 * The FUSE wire protocol, transport-neutral: the opcode table, the request parser (size checks,
 * header / op struct / payload split) and the reply encoders. Used by both transports.
 */
package org.uringfuse.fuse.proto;
