/** Reading live Kubernetes clusters for the engine. */
package dev.plumbline.kube;
